// Daily: rotate the data key when the current version is KEY_ROTATION_DAYS old (the brief's 90),
// and finish any re-encryption sweep. Idempotent: a second run finds nothing left to move.
import { rotateKeysIfDue } from '../../security/rotation.js';
import type { JobHandler } from '../worker.js';

export const ROTATE_ENCRYPTION_KEYS = 'rotate_encryption_keys';

export const rotateEncryptionKeys: JobHandler = async (_job, s) => {
  await rotateKeysIfDue(s);
};

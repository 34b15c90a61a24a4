// Daily: rotate the data key when the current version is KEY_ROTATION_DAYS old (the brief's 90),
// and finish any re-encryption sweep; likewise the member KEK sweep, then destroy the member KEK
// versions no kept backup can need. Idempotent: a second run finds nothing left to move.
import { ROTATE_ENCRYPTION_KEYS } from '../../queue/contracts.js';
import { destroyExpiredMemberKeys, sweepMemberKeys } from '../../services/erasure-follow-up.js';
import { rotateKeysIfDue } from '../../services/key-rotation.js';
import { handle } from '../worker.js';

export const rotateEncryptionKeys = handle(ROTATE_ENCRYPTION_KEYS, async (_job, s) => {
  await rotateKeysIfDue(s);
  await sweepMemberKeys(s);
  await destroyExpiredMemberKeys(s);
});

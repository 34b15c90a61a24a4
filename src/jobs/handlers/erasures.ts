// After an erasure: the member KEK rotation, table rewrite and destruction of expired KEK versions
// that make the erased member's data unrecoverable (src/services/erasure-follow-up.ts). Idempotent:
// a retry finds the version superseded and only rewrites and destroys.
import { FINISH_ERASURES } from '../../queue/contracts.js';
import { finishErasures } from '../../services/erasure-follow-up.js';
import { handle } from '../worker.js';

export const finishErasuresJob = handle(FINISH_ERASURES, async (job, s) => {
  await finishErasures(s, job.payload.memberKeyVersion);
});

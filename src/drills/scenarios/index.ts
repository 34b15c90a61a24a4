// Every DR drill `node dist/main.js drill <name>` knows: one entry each.
import type { DrillScenario } from '../types.js';
import { aiServiceDegradation } from './ai-service-degradation.js';
import { apiCrash } from './api-crash.js';
import { primaryDbFailure } from './primary-db-failure.js';
import { redisFailure } from './redis-failure.js';
import { restoreFromBackup } from './restore-from-backup.js';
import { workerCrash } from './worker-crash.js';

export const DRILL_SCENARIOS: readonly DrillScenario[] = [apiCrash, workerCrash, restoreFromBackup, aiServiceDegradation, primaryDbFailure, redisFailure];

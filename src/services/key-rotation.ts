// Key rotation and the data migration of rows written before encryption. Both are one sweep: every
// row whose key_version is not the current one (null: still plaintext) is sealed again, in small
// transactions (FOR UPDATE SKIP LOCKED), while the service keeps serving — reads accept every
// version in the keyring, so a half-finished sweep is invisible to users.
import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { rows, type Database } from '../db/client.js';
import { comments, encryptionKeys, featureRequests, users, webhookEndpoints, type WeddingContext } from '../db/schema.js';
import { recordAudit } from './audit.js';
import type { Services } from './context.js';
import { openComment, openRequestContent, personalKeyOf, sealComment, sealNewUser, sealRequestContent, sealWeddingContext } from '../security/records.js';

export interface SweepResult {
  /** Rows that were still plaintext (sealed for the first time). */
  sealed: { users: number; featureRequests: number; comments: number };
  /** Rows moved from an older key version to the current one. */
  reencrypted: { users: number; featureRequests: number; comments: number };
  version: number;
}

const DEFAULT_BATCH = 200;

/** Not yet on `version`: plaintext (null) or an older version. */
const behind = (
  column: typeof users.keyVersion | typeof featureRequests.keyVersion | typeof comments.keyVersion | typeof webhookEndpoints.keyVersion,
  version: number,
): SQL => or(isNull(column), lt(column, version))!;

/** Runs `batch` in its own transaction until it handles no row; returns [legacy, rotated] counts. */
async function inBatches(db: Database, batch: (tx: Database) => Promise<{ legacy: number; rotated: number }>): Promise<[number, number]> {
  let legacy = 0;
  let rotated = 0;
  for (;;) {
    const done = await db.transaction((tx) => batch(tx));
    if (done.legacy + done.rotated === 0) return [legacy, rotated];
    legacy += done.legacy;
    rotated += done.rotated;
  }
}

async function sweepUsers(s: Services, version: number, limit: number) {
  return inBatches(s.db, async (tx) => {
    const batch = await tx
      .select({
        id: users.id,
        email: users.email,
        phone: users.phone,
        businessAddress: users.businessAddress,
        dataKey: users.dataKey,
        keyVersion: users.keyVersion,
      })
      .from(users)
      .where(behind(users.keyVersion, version))
      .limit(limit)
      .for('update', { skipLocked: true });
    let legacy = 0;
    for (const row of batch) {
      if (row.keyVersion === null) {
        legacy += 1;
        await tx
          .update(users)
          .set(await sealNewUser(s.keyring, tx, row.id, row))
          .where(eq(users.id, row.id));
      } else {
        // Same personal key, wrapped by the newest member KEK version (a shredded user has none left to wrap).
        const wrapped = row.dataKey === null ? {} : await s.keyring.rewrapUserKey(row.dataKey, row.id);
        await tx
          .update(users)
          .set({ ...wrapped, keyVersion: version })
          .where(eq(users.id, row.id));
      }
    }
    return { legacy, rotated: batch.length - legacy };
  });
}

async function sweepFeatureRequests(s: Services, version: number, limit: number) {
  return inBatches(s.db, async (tx) => {
    const batch = await tx
      .select({
        id: featureRequests.id,
        authorId: featureRequests.authorId,
        title: featureRequests.title,
        description: featureRequests.description,
        painPoints: featureRequests.painPoints,
        weddingContext: featureRequests.weddingContext,
        keyVersion: featureRequests.keyVersion,
      })
      .from(featureRequests)
      .where(behind(featureRequests.keyVersion, version))
      .limit(limit)
      .for('update', { skipLocked: true });
    let legacy = 0;
    for (const row of batch) {
      if (row.keyVersion === null) {
        // Plaintext from before encryption: pain points and wedding context were JSON.
        legacy += 1;
        const authorKey = await personalKeyOf(s.keyring, tx, row.authorId);
        const context = row.weddingContext ? (JSON.parse(row.weddingContext) as WeddingContext) : null;
        await tx
          .update(featureRequests)
          .set({
            ...(await sealRequestContent(s.keyring, tx, row.id, {
              title: row.title,
              description: row.description,
              painPoints: JSON.parse(row.painPoints) as string[],
            })),
            weddingContext: sealWeddingContext(s.keyring, authorKey, row.id, context),
            guestCount: context?.guestCount ?? null,
          })
          .where(eq(featureRequests.id, row.id));
      } else {
        // The wedding context is under the author's personal key, which rotation re-wraps instead.
        const content = await openRequestContent(s.keyring, row);
        await tx
          .update(featureRequests)
          .set(await sealRequestContent(s.keyring, tx, row.id, { title: row.title, ...content }))
          .where(eq(featureRequests.id, row.id));
      }
    }
    return { legacy, rotated: batch.length - legacy };
  });
}

async function sweepComments(s: Services, version: number, limit: number) {
  return inBatches(s.db, async (tx) => {
    const batch = await tx
      .select({ id: comments.id, content: comments.content, keyVersion: comments.keyVersion })
      .from(comments)
      .where(behind(comments.keyVersion, version))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const row of batch) {
      const plaintext = row.keyVersion === null ? row.content : await openComment(s.keyring, row);
      await tx
        .update(comments)
        .set(await sealComment(s.keyring, tx, row.id, plaintext))
        .where(eq(comments.id, row.id));
    }
    const legacy = batch.filter((r) => r.keyVersion === null).length;
    return { legacy, rotated: batch.length - legacy };
  });
}

/** Outgoing webhooks' signing secrets (sealed from the start: no legacy rows). */
async function sweepWebhookSecrets(s: Services, version: number, limit: number) {
  return inBatches(s.db, async (tx) => {
    const batch = await tx
      .select({ id: webhookEndpoints.id, secret: webhookEndpoints.secret })
      .from(webhookEndpoints)
      .where(behind(webhookEndpoints.keyVersion, version))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const row of batch) {
      const at = { table: 'webhook_endpoints', column: 'secret', rowId: row.id };
      const secret = await s.keyring.sealShared(version, at, await s.keyring.openShared(row.secret, at));
      await tx.update(webhookEndpoints).set({ secret, keyVersion: version }).where(eq(webhookEndpoints.id, row.id));
    }
    return { legacy: 0, rotated: batch.length };
  });
}

/**
 * Moves every row to the current key version (sealing plaintext rows on the way). Users go first:
 * a plaintext request's wedding context needs its author's new personal key. When no row is left on
 * an older version, those versions are marked retired (kept, so older backups stay readable).
 */
export async function reencryptAll(s: Services, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const limit = options.batchSize ?? DEFAULT_BATCH;
  const version = await s.keyring.currentVersion();
  const [legacyUsers, rotatedUsers] = await sweepUsers(s, version, limit);
  const [legacyRequests, rotatedRequests] = await sweepFeatureRequests(s, version, limit);
  const [legacyComments, rotatedComments] = await sweepComments(s, version, limit);
  await sweepWebhookSecrets(s, version, limit);
  const [left] = rows<{ n: number }>(
    await s.db.execute(sql`select
      (select count(*) from ${users} where ${behind(users.keyVersion, version)})
      + (select count(*) from ${featureRequests} where ${behind(featureRequests.keyVersion, version)})
      + (select count(*) from ${comments} where ${behind(comments.keyVersion, version)})
      + (select count(*) from ${webhookEndpoints} where ${behind(webhookEndpoints.keyVersion, version)}) as n`),
  );
  if (Number(left?.n ?? 0) === 0) {
    await s.db
      .update(encryptionKeys)
      .set({ retiredAt: s.now() })
      .where(and(eq(encryptionKeys.purpose, 'data'), lt(encryptionKeys.version, version), isNull(encryptionKeys.retiredAt)));
  }
  return {
    version,
    sealed: { users: legacyUsers, featureRequests: legacyRequests, comments: legacyComments },
    reencrypted: { users: rotatedUsers, featureRequests: rotatedRequests, comments: rotatedComments },
  };
}

const total = (counts: SweepResult['sealed']) => counts.users + counts.featureRequests + counts.comments;

/**
 * The data migration from the unencrypted schema, run by `migrate` and `start`: seals plaintext rows,
 * then rewrites the tables (VACUUM FULL) so the old plaintext versions of those rows leave the data
 * files. A no-op (one indexed count) once everything is sealed.
 */
export async function sealPlaintextRows(s: Services): Promise<SweepResult['sealed']> {
  const version = await s.keyring.currentVersion();
  const [pending] = rows<{ n: number }>(
    await s.db.execute(sql`select
      (select count(*) from ${users} where ${isNull(users.keyVersion)})
      + (select count(*) from ${featureRequests} where ${isNull(featureRequests.keyVersion)})
      + (select count(*) from ${comments} where ${isNull(comments.keyVersion)}) as n`),
  );
  if (Number(pending?.n ?? 0) === 0) return { users: 0, featureRequests: 0, comments: 0 };
  const result = await reencryptAll(s);
  if (total(result.sealed) > 0) {
    await s.db.execute(sql`vacuum full ${users}, ${featureRequests}, ${comments}`);
    await s.db.execute(sql`checkpoint`);
    await recordAudit(
      s,
      s.db,
      { actor: null },
      { action: 'plaintext_rows_encrypted', targetType: 'encryption_key', targetId: String(version), details: { ...result.sealed } },
    );
  }
  return result.sealed;
}

/**
 * The title-only search index of requests stored before it existed (migration 0020), run by
 * `migrate` and `start` after the sealing above. Until then such a request is found only by those
 * who may read its content. A title edited meanwhile keeps the index its edit wrote.
 */
export async function indexRequestTitles(s: Services, limit = 500): Promise<number> {
  let indexed = 0;
  for (;;) {
    const batch = await s.db
      .select({ id: featureRequests.id, title: featureRequests.title })
      .from(featureRequests)
      .where(isNull(featureRequests.titleSearchTokens))
      .limit(limit);
    let changed = 0;
    for (const row of batch) {
      const done = await s.db
        .update(featureRequests)
        .set({ titleSearchTokens: s.keyring.searchTokenHashes(row.title) })
        .where(and(eq(featureRequests.id, row.id), eq(featureRequests.title, row.title), isNull(featureRequests.titleSearchTokens)))
        .returning({ id: featureRequests.id });
      changed += done.length;
    }
    if (changed === 0) return indexed;
    indexed += changed;
  }
}

export type RotationTrigger = 'cli' | 'schedule';

/** A new data key version, then the background sweep onto it; both audited. */
export async function rotateKeys(s: Services, trigger: RotationTrigger, options: { batchSize?: number } = {}) {
  const { from, to } = await s.keyring.addVersion();
  await recordAudit(
    s,
    s.db,
    { actor: null },
    { action: 'encryption_key_rotated', targetType: 'encryption_key', targetId: String(to), details: { from, to, trigger } },
  );
  const result = await reencryptAll(s, options);
  await recordAudit(
    s,
    s.db,
    { actor: null },
    {
      action: 'encryption_reencryption_completed',
      targetType: 'encryption_key',
      targetId: String(result.version),
      details: { ...result.reencrypted, sealed: total(result.sealed) },
    },
  );
  return { from, to, ...result };
}

/** The scheduled job: rotate when the current version is older than KEY_ROTATION_DAYS, and always
 *  finish any sweep (rows written by a replica that had not noticed a rotation yet). */
export async function rotateKeysIfDue(s: Services) {
  const version = await s.keyring.currentVersion();
  const [current] = await s.db
    .select({ createdAt: encryptionKeys.createdAt })
    .from(encryptionKeys)
    .where(and(eq(encryptionKeys.purpose, 'data'), eq(encryptionKeys.version, version)));
  const due = !current || current.createdAt.getTime() <= s.now().getTime() - s.config.keyRotationDays * 86_400_000;
  if (due) return rotateKeys(s, 'schedule');
  const result = await reencryptAll(s);
  return { from: version, to: version, ...result };
}

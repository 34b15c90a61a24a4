// Demo data: one account per role plus a crowd of couples and suppliers who wrote ~200 realistic
// requests, voted and commented. Deterministic (seeded random), loaded in one transaction, and
// skipped when the demo accounts already exist, so a second start is instant.
import { eq, inArray } from 'drizzle-orm';
import { voteWeight } from '../domain/access-control.js';
import { chainConsentEvidence, CONSENT_GENESIS_HASH, CONSENT_PURPOSES, PRIVACY_POLICY_VERSION } from '../domain/consent.js';
import { assessVote, voteEvidence } from '../domain/vote-manipulation.js';
import { BUSINESS_SIZES, SUPPLIER_TYPES, type Status, type UserRole } from '../domain/feature-requests.js';
import { IMPACT_SCALE } from '../domain/rice.js';
import { regionForCountry } from '../domain/seasons.js';
import { randomUUID } from 'node:crypto';
import { emailIndexOf, sealComment, sealNewUser, sealRequestContent, sealWeddingContext } from '../security/records.js';
import { hashPassword } from '../services/accounts.js';
import type { Services } from '../services/context.js';
import { recomputeRice } from '../services/rice.js';
import { recountedTally } from '../services/votes.js';
import type { Database } from '../db/client.js';
import { demoCommentsFor, demoRequests } from './demo-catalog.js';
import { comments, consentRecords, featureRequests, requestOutcomes, statusHistory, users, votes } from '../db/schema.js';

export const DEMO_ACCOUNTS = [
  { email: 'couple@demo.test', role: 'couple', displayName: 'Amelia & Jonah (demo couple)', country: 'GB', timeZone: 'Europe/London' },
  {
    email: 'supplier@demo.test',
    role: 'wedding_supplier',
    displayName: 'Rosewood Barn (demo venue)',
    country: 'US',
    timeZone: 'America/New_York',
    supplierType: 'venue',
    businessName: 'Rosewood Barn Weddings',
    businessSize: 'medium',
  },
  { email: 'product@demo.test', role: 'product_team', displayName: 'Priya (WedSync product)', country: 'IE', timeZone: 'Europe/Dublin' },
  { email: 'ai@demo.test', role: 'ai_system', displayName: 'WedSync AI', country: null, timeZone: 'UTC' },
] as const;

/**
 * The first thing a new user needs from `npm start`: where to go and how to sign in. Framed plain
 * text, so it stands out from the JSON log lines around it.
 */
export function demoSignInBanner(url: string, password: string): string {
  const lines = [`WedSync Feature Requests is ready: open ${url}`, `Sign in with password ${password} as:`];
  for (const a of DEMO_ACCOUNTS) if (a.role !== 'ai_system') lines.push(`  ${a.email.padEnd(20)} ${a.displayName}`);
  const width = Math.max(...lines.map((l) => l.length));
  const rule = `+${'-'.repeat(width + 2)}+`;
  return [rule, ...lines.map((l) => `| ${l.padEnd(width)} |`), rule].join('\n');
}

const CROWD_COUPLES = 30;
/** Request i gets up to i % COMMENT_CYCLE comments on its subject: a board where some requests are discussed, some not. */
const COMMENT_CYCLE = 4;
const CROWD_SUPPLIERS = 20;
const CROWD_ZONES = [
  ['GB', 'Europe/London'],
  ['US', 'America/Chicago'],
  ['IN', 'Asia/Kolkata'],
  ['AU', 'Australia/Sydney'],
  ['IE', 'Europe/Dublin'],
  ['CA', 'America/Toronto'],
  ['ZA', 'Africa/Johannesburg'],
  ['FR', 'Europe/Paris'],
] as const;

/** Small deterministic PRNG (mulberry32): the same demo every time. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

/** Demo members joined before they wrote anything: established accounts, not the new ones vote checks watch. */
const MEMBER_FOR_DAYS = 200;

/** Shipped requests whose outcome the product team has recorded, so rice_score_prediction_accuracy has a value. */
const SHIPPED_WITH_OUTCOME = 8;

/** Which status a request has reached, and what the product team wrote when moving it there. */
const STATUS_PLAN: { status: Status; share: number; path: Status[]; why: string }[] = [
  { status: 'under_review', share: 0.12, path: ['under_review'], why: 'Several venues asked for this; checking effort with engineering' },
  { status: 'planned', share: 0.1, path: ['under_review', 'planned'], why: 'High weighted demand ahead of peak season; scheduled for next quarter' },
  { status: 'in_progress', share: 0.06, path: ['planned', 'in_progress'], why: 'Design approved with three pilot suppliers; build started' },
  { status: 'shipped', share: 0.07, path: ['planned', 'in_progress', 'shipped'], why: 'Released to all couples and suppliers after the pilot' },
  { status: 'declined', share: 0.04, path: ['under_review', 'declined'], why: 'Covered by an existing integration; documented the workaround instead' },
];

export async function seedDemo(s: Services): Promise<{ created: boolean; requests: number }> {
  const existing = await s.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.emailIndex, emailIndexOf(s.keyring, DEMO_ACCOUNTS[0].email)))
    .limit(1);
  if (existing.length > 0) return { created: false, requests: 0 };

  const rnd = random(237);
  const demoHash = await hashPassword(s.config.demoPassword);
  // The crowd cannot sign in: their password is a random one nobody knows.
  const crowdHash = await hashPassword(crypto.randomUUID());
  const now = s.now().getTime();

  return s.db.transaction(async (tx) => {
    const account = (email: string, role: UserRole, extra: Partial<typeof users.$inferInsert> & { country: string | null; timeZone: string }) => ({
      email,
      role,
      displayName: extra.displayName ?? email.split('@')[0]!,
      passwordHash: extra.passwordHash ?? crowdHash,
      verified: role !== 'wedding_supplier' || extra.verified !== false,
      emailVerifiedAt: new Date(now - MEMBER_FOR_DAYS * 86_400_000),
      region: regionForCountry(extra.country),
      createdAt: new Date(now - MEMBER_FOR_DAYS * 86_400_000),
      // Granted, with evidence (below): the demo's duplicate detection and trends need them.
      aiAnalysisConsent: true,
      trendAnalyticsConsent: true,
      featureFeedbackConsent: true,
      ...extra,
    });
    const accounts = await Promise.all(
      [
        ...DEMO_ACCOUNTS.map((a) => account(a.email, a.role, { ...a, passwordHash: demoHash })),
        ...Array.from({ length: CROWD_COUPLES }, (_, i) => {
          const [country, timeZone] = CROWD_ZONES[i % CROWD_ZONES.length]!;
          return account(`couple-${i + 1}@demo.test`, 'couple', { displayName: `Demo couple ${i + 1}`, country, timeZone });
        }),
        ...Array.from({ length: CROWD_SUPPLIERS }, (_, i) => {
          const [country, timeZone] = CROWD_ZONES[(i + 3) % CROWD_ZONES.length]!;
          return account(`supplier-${i + 1}@demo.test`, 'wedding_supplier', {
            displayName: `Demo supplier ${i + 1}`,
            country,
            timeZone,
            supplierType: SUPPLIER_TYPES[i % SUPPLIER_TYPES.length]!,
            businessName: `Demo ${SUPPLIER_TYPES[i % SUPPLIER_TYPES.length]!.replace('_', ' ')} ${i + 1}`,
            businessSize: BUSINESS_SIZES[i % BUSINESS_SIZES.length]!,
          });
        }),
      ].map(async ({ email, ...person }) => ({
        ...person,
        ...(await sealNewUser(s.keyring, tx, randomUUID(), { email, phone: null, businessAddress: null })),
        plainEmail: email,
      })),
    );
    const people = await tx
      .insert(users)
      .values(accounts.map(({ plainEmail: _plain, ...row }) => row))
      .returning();
    const byEmail = new Map(people.map((p, i) => [accounts[i]!.plainEmail, p]));
    const consentRows = people.flatMap((p) =>
      chainConsentEvidence(
        CONSENT_PURPOSES.map((purpose) => ({
          userId: p.id,
          purpose,
          granted: true,
          method: 'demo_seed',
          policyVersion: PRIVACY_POLICY_VERSION,
          recordedBy: null,
          createdAt: p.createdAt,
        })),
        CONSENT_GENESIS_HASH,
      ),
    );
    await tx.insert(consentRecords).values(consentRows);
    const personalKeys = new Map(await Promise.all(people.map(async (p) => [p.id, await s.keyring.userKey(p.dataKey, p.id)] as const)));
    const product = byEmail.get('product@demo.test')!;
    const couples = people.filter((p) => p.role === 'couple');
    const suppliers = people.filter((p) => p.role === 'wedding_supplier');
    const voters = [...couples, ...suppliers];

    const requestRows = await Promise.all(
      demoRequests.map(async (d, i) => {
        const discussion = demoCommentsFor(d, i, i % COMMENT_CYCLE);
        const author = d.authorType === 'couple' ? couples[i % couples.length]! : suppliers[i % suppliers.length]!;
        const createdAt = new Date(now - (rnd.int(120 * 24) + 1) * 3_600_000);
        const weddingDate = new Date(createdAt.getTime() + (30 + rnd.int(400)) * 86_400_000).toISOString().slice(0, 10);
        const context = { ...d.weddingContext, weddingDate };
        const voterCount = rnd.int(Math.min(voters.length, 6 + (i % 7) * 4));
        const chosen = [...voters].sort(() => rnd.next() - 0.5).slice(0, voterCount);
        const weights = chosen.map((v) => voteWeight({ ...v, businessSize: v.businessSize }));
        const weight = weights.reduce((a, b) => a + b, 0);
        const id = randomUUID();
        return {
          row: {
            id,
            authorId: author.id,
            title: d.title,
            ...(await sealRequestContent(s.keyring, tx, id, d)),
            category: d.category,
            urgency: d.urgency,
            userType: author.role,
            weddingContext: sealWeddingContext(s.keyring, personalKeys.get(author.id)!, id, context),
            country: context.country,
            region: regionForCountry(context.country),
            guestCount: context.guestCount,
            voteCount: chosen.length,
            commentCount: discussion.length,
            voteWeight: weight,
            createdAt,
            updatedAt: createdAt,
          },
          chosen,
          weights,
          discussion,
        };
      }),
    );
    const inserted = await tx
      .insert(featureRequests)
      .values(requestRows.map((r) => r.row))
      .returning({ id: featureRequests.id, createdAt: featureRequests.createdAt });

    const voteRows = inserted.flatMap((req, i) =>
      requestRows[i]!.chosen.map((voter, j) => ({
        requestId: req.id,
        userId: voter.id,
        weight: requestRows[i]!.weights[j]!,
        castWeight: requestRows[i]!.weights[j]!,
        createdAt: new Date(Math.min(now, req.createdAt.getTime() + rnd.int(72) * 3_600_000)),
      })),
    );
    for (let i = 0; i < voteRows.length; i += 1000) await tx.insert(votes).values(voteRows.slice(i, i + 1000));
    const bystanders = couples.filter((c) => !requestRows[0]!.chosen.includes(c)).slice(0, COORDINATED_VOTERS);
    await seedCoordinatedVotes(s, tx, inserted[0]!.id, bystanders, now);

    const commentRows = await Promise.all(
      inserted.flatMap((req, i) =>
        requestRows[i]!.discussion.map(async (c, j) => {
          const author = c.expertAdvice ? suppliers[(i + j) % suppliers.length]! : couples[(i + j) % couples.length]!;
          const id = randomUUID();
          return {
            id,
            requestId: req.id,
            authorId: author.id,
            authorRole: author.role,
            ...(await sealComment(s.keyring, tx, id, c.content)),
            expertAdvice: c.expertAdvice,
            createdAt: new Date(req.createdAt.getTime() + (j + 1) * 5_400_000),
          };
        }),
      ),
    );
    if (commentRows.length) await tx.insert(comments).values(commentRows);

    // Walk some requests through the workflow, most-voted first, so the roadmap has content.
    const ranked = inserted.map((req, i) => ({ req, weight: requestRows[i]!.row.voteWeight })).sort((a, b) => b.weight - a.weight);
    let cursor = 0;
    const shippedIds: string[] = [];
    for (const plan of STATUS_PLAN) {
      const count = Math.round(plan.share * inserted.length);
      for (const { req } of ranked.slice(cursor, cursor + count)) {
        let from: Status = 'open';
        const history = plan.path.map((to, step) => {
          const entry = {
            requestId: req.id,
            fromStatus: from,
            toStatus: to,
            changedBy: product.id,
            justification: to === plan.status ? plan.why : 'Triaged: enough detail and demand to evaluate',
            createdAt: new Date(Math.min(now, req.createdAt.getTime() + (step + 1) * 3 * 86_400_000)),
          };
          from = to;
          return entry;
        });
        await tx.insert(statusHistory).values(history);
        await tx.update(featureRequests).set({ status: plan.status }).where(eq(featureRequests.id, req.id));
        if (plan.status === 'shipped') shippedIds.push(req.id);
      }
      cursor += count;
    }

    // Every request gets its RICE prediction; a few shipped ones get what they actually achieved.
    await recomputeRice(
      tx,
      inserted.map((r) => r.id),
      s.now(),
    );
    const shipped = await tx
      .select({ id: featureRequests.id, reach: featureRequests.riceReach, impact: featureRequests.riceImpact, effort: featureRequests.riceEffort })
      .from(featureRequests)
      .where(inArray(featureRequests.id, shippedIds.slice(0, SHIPPED_WITH_OUTCOME)));
    const outcomes = shipped.map((r) => ({
      requestId: r.id,
      // Real launches land around the prediction: reach ×0.5–1.6, impact a step either way, effort ×0.8–1.8.
      actualReach: Math.round(r.reach! * (0.5 + rnd.next() * 1.1)),
      actualImpact:
        IMPACT_SCALE[Math.max(0, Math.min(IMPACT_SCALE.length - 1, IMPACT_SCALE.indexOf(r.impact as (typeof IMPACT_SCALE)[number]) + rnd.int(3) - 1))]!,
      actualEffort: Math.round(r.effort! * (0.8 + rnd.next()) * 4) / 4,
      predictedReach: r.reach!,
      predictedImpact: r.impact!,
      predictedEffort: r.effort!,
      recordedBy: product.id,
      recordedAt: s.now(),
    }));
    if (outcomes.length) await tx.insert(requestOutcomes).values(outcomes);
    return { created: true, requests: inserted.length };
  });
}

const COORDINATED_VOTERS = 4;

/**
 * The demo's vote-review queue: couples voting for one request from one network and device a few
 * minutes apart, assessed by the real rules — the first ones count, the rest are held.
 */
async function seedCoordinatedVotes(s: Services, tx: Database, requestId: string, voters: (typeof users.$inferSelect)[], now: number) {
  const policy = s.config.voteManipulationPolicy;
  const networkHash = s.keyring.blindDigest('demo: one venue network', 'vote-network');
  const deviceHash = s.keyring.blindDigest('demo: one phone', 'vote-device');
  const rows = voters.map((voter, i) => {
    const at = new Date(now - (voters.length - i) * 4 * 60_000);
    const signals = { recentVotes: i + 1, newAccountVotes: 0, networkAccounts: i + 1, deviceAccounts: i + 1 };
    const castWeight = voteWeight(voter);
    const verdict = assessVote(policy, signals, castWeight);
    const account = { role: voter.role, verified: voter.verified, accountCreatedAt: voter.createdAt };
    return {
      requestId,
      userId: voter.id,
      weight: verdict.weight,
      castWeight,
      createdAt: at,
      networkHash,
      deviceHash,
      reviewState: verdict.state,
      reviewReasons: verdict.reasons,
      reviewEvidence: verdict.reasons.length > 0 ? voteEvidence(policy, signals, account, at) : null,
    };
  });
  if (rows.length === 0) return;
  await tx.insert(votes).values(rows);
  await tx.update(featureRequests).set(recountedTally).where(eq(featureRequests.id, requestId));
}

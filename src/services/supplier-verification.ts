// The product team's supplier verification queue: wedding suppliers waiting to be verified, with
// their business details and what they have done so far, and the decision — approve (their votes
// weigh more and they may submit) or reject — with a reason the supplier reads. A decision is one
// transaction: the account, the decision row, the audit event with its justification and the
// supplier's notification (and its email job) commit together or not at all.
import { and, desc, eq, sql } from 'drizzle-orm';
import { notificationPreferences, notifications, supplierVerifications, users } from '../db/schema.js';
import { EMAIL_NOTIFICATION, jobSpec } from '../queue/contracts.js';
import { enqueue } from '../queue/queue.js';
import { recordAudit } from './audit.js';
import type { Call, Services } from './context.js';
import { conflict, notFound } from './errors.js';

export type VerificationDecision = 'approved' | 'rejected';
/** pending: not verified and not rejected since signing up (or since their last approval was withdrawn). */
export type VerificationState = 'pending' | 'approved' | 'rejected';

/** The notification kind the supplier gets (web inbox and src/domain/member-emails.ts word it). */
export const SUPPLIER_VERIFICATION_KIND = 'supplier_verification';

/**
 * Suppliers in one state, oldest first for `pending` (first come, first served), newest decision
 * first otherwise. Business details only: email, phone and address stay sealed (reading them is the
 * audited, justified /api/privacy/users/:id).
 */
export async function supplierQueue(s: Services, state: VerificationState, limit: number) {
  const latest = sql`(select decision from ${supplierVerifications} sv where sv.supplier_id = ${users.id} order by sv.created_at desc, sv.id desc limit 1)`;
  const where =
    state === 'approved'
      ? eq(users.verified, true)
      : state === 'rejected'
        ? and(eq(users.verified, false), sql`${latest} = 'rejected'`)
        : and(eq(users.verified, false), sql`${latest} is distinct from 'rejected'`);
  const found = await s.db
    .select({
      id: users.id,
      displayName: users.displayName,
      businessName: users.businessName,
      supplierType: users.supplierType,
      businessSize: users.businessSize,
      country: users.country,
      region: users.region,
      verified: users.verified,
      createdAt: users.createdAt,
      requests: sql<number>`(select count(*)::int from feature_requests fr where fr.author_id = ${users.id})`,
      votes: sql<number>`(select count(*)::int from votes v where v.user_id = ${users.id})`,
    })
    .from(users)
    .where(and(eq(users.role, 'wedding_supplier'), eq(users.synthetic, false), where))
    .orderBy(state === 'pending' ? users.createdAt : desc(users.createdAt), users.id)
    .limit(limit);
  const history = found.length
    ? await s.db
        .select({
          supplierId: supplierVerifications.supplierId,
          decision: supplierVerifications.decision,
          reason: supplierVerifications.reason,
          decidedAt: supplierVerifications.createdAt,
        })
        .from(supplierVerifications)
        .where(
          sql`${supplierVerifications.supplierId} in (${sql.join(
            found.map((f) => sql`${f.id}::uuid`),
            sql`, `,
          )})`,
        )
        .orderBy(desc(supplierVerifications.createdAt), desc(supplierVerifications.id))
    : [];
  return {
    items: found.map((f) => {
      const last = history.find((h) => h.supplierId === f.id);
      return { ...f, lastDecision: last ? { decision: last.decision, reason: last.reason, decidedAt: last.decidedAt } : null };
    }),
  };
}

/**
 * Approves or rejects a supplier. Deciding what is already the case (approving a verified supplier,
 * rejecting one whose last decision was a rejection) is a 409: the supplier would be told twice.
 */
export async function decideSupplierVerification(s: Services, call: Call, supplierId: string, input: { decision: VerificationDecision; reason: string }) {
  const reason = input.reason.trim();
  const outcome = await s.db.transaction(async (tx) => {
    const [supplier] = await tx
      .select({ id: users.id, verified: users.verified, role: users.role })
      .from(users)
      .where(and(eq(users.id, supplierId), eq(users.role, 'wedding_supplier'), eq(users.synthetic, false)))
      .for('update');
    if (!supplier) throw notFound('Wedding supplier');
    const [last] = await tx
      .select({ decision: supplierVerifications.decision })
      .from(supplierVerifications)
      .where(eq(supplierVerifications.supplierId, supplierId))
      .orderBy(desc(supplierVerifications.createdAt), desc(supplierVerifications.id))
      .limit(1);
    const already = input.decision === 'approved' ? supplier.verified : !supplier.verified && last?.decision === 'rejected';
    if (already) throw conflict('already_decided', input.decision === 'approved' ? 'This supplier is already verified' : 'This supplier was already rejected');

    await tx
      .update(users)
      .set({ verified: input.decision === 'approved' })
      .where(eq(users.id, supplierId));
    const [row] = await tx
      .insert(supplierVerifications)
      .values({ supplierId, decision: input.decision, reason, decidedBy: call.actor.id, createdAt: s.now() })
      .returning();
    await recordAudit(s, tx, call, {
      action: input.decision === 'approved' ? 'supplier_verified' : 'supplier_verification_rejected',
      targetType: 'user',
      targetId: supplierId,
      details: { justification: reason, previouslyVerified: supplier.verified },
    });

    // The supplier is told about their own account whatever their feature-feedback consent (it is
    // not about requests); email follows their preference, and the email job re-checks consent.
    const [pref] = await tx
      .select({ inApp: notificationPreferences.inApp, email: notificationPreferences.email })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, supplierId));
    const [notification] = await tx
      .insert(notifications)
      .values({
        userId: supplierId,
        kind: SUPPLIER_VERIFICATION_KIND,
        sourceId: `verification:${row!.id}`,
        details: { decision: input.decision, reason },
        inApp: pref?.inApp ?? true,
        createdAt: s.now(),
      })
      .returning({ id: notifications.id });
    if (s.config.smtpUrl && (pref?.email ?? 'instant') === 'instant') {
      await enqueue(tx, jobSpec(EMAIL_NOTIFICATION, { notificationId: notification!.id }), s.now());
    }
    return { supplierId, decision: row!.decision, reason: row!.reason, decidedAt: row!.createdAt, verified: input.decision === 'approved' };
  });
  // Verification changes what they may do and how their votes weigh: no replica may go on with the
  // old principal (after the commit, so nothing reloads the old row before it changes).
  s.state.credentials.forgetUser(supplierId);
  return outcome;
}

// Category trends for suppliers and the product team: where demand is growing.
import { and, eq, gt, ne, sql, type AnyColumn } from 'drizzle-orm';
import { timestamptz } from '../db/client.js';
import { featureRequests, users, votes } from '../db/schema.js';
import type { Services } from './context.js';

/**
 * Trend analytics leave out people who withdrew `trend_analytics` consent or restricted processing
 * (users.trend_analytics_consent, kept by src/services/consent.ts); authorless requests stay in.
 */
const analysable = (userId: AnyColumn) => sql`not exists (select 1 from ${users} where ${users.id} = ${userId} and not ${users.trendAnalyticsConsent})`;

export async function categoryTrends(s: Services, weeks: number) {
  const since = new Date(s.now().getTime() - weeks * 7 * 86_400_000);
  const [requests, recentVotes] = await Promise.all([
    s.db
      .select({
        category: featureRequests.category,
        total: sql<number>`count(*)::int`,
        recent: sql<number>`(count(*) filter (where ${featureRequests.createdAt} > ${timestamptz(since)}))::int`,
        voteWeight: sql<number>`coalesce(sum(${featureRequests.voteWeight}), 0)::float8`,
      })
      .from(featureRequests)
      .where(and(ne(featureRequests.status, 'merged'), eq(featureRequests.synthetic, false), analysable(featureRequests.authorId)))
      .groupBy(featureRequests.category),
    s.db
      .select({ category: featureRequests.category, votes: sql<number>`count(*)::int` })
      .from(votes)
      .innerJoin(featureRequests, sql`${featureRequests.id} = ${votes.requestId}`)
      .where(
        and(gt(votes.createdAt, since), votes.counted, ne(featureRequests.status, 'merged'), eq(featureRequests.synthetic, false), analysable(votes.userId)),
      )
      .groupBy(featureRequests.category),
  ]);
  const votesBy = new Map(recentVotes.map((v) => [v.category, v.votes]));
  const items = s.config.categories.map((category) => {
    const r = requests.find((x) => x.category === category);
    return { category, requests: r?.total ?? 0, newRequests: r?.recent ?? 0, newVotes: votesBy.get(category) ?? 0, voteWeight: r?.voteWeight ?? 0 };
  });
  items.sort((a, b) => b.newVotes + b.newRequests - (a.newVotes + a.newRequests));
  return { since, weeks, items };
}

import { describe, expect, it } from 'vitest';
import { classifyQuery } from '../../../src/ops/metrics.js';

describe('database_query_performance labels', () => {
  it('reads kind, main table and shape from the statement text', () => {
    expect(classifyQuery('select "id", "title" from "feature_requests" where "status" <> $1 order by "vote_weight" desc limit $2')).toEqual({
      query_type: 'select',
      table: 'feature_requests',
      complexity: 'simple',
    });
    expect(classifyQuery('select * from "feature_requests" left join "votes" on true')).toMatchObject({ complexity: 'join' });
    expect(classifyQuery('insert into "votes" ("request_id") values ($1)')).toEqual({ query_type: 'insert', table: 'votes', complexity: 'simple' });
    expect(classifyQuery('with "cast_vote" as (insert into "votes" select 1 from "feature_requests") update "feature_requests" set x = 1')).toEqual({
      query_type: 'update',
      table: 'feature_requests',
      complexity: 'cte',
    });
    expect(classifyQuery('select category, count(*) from feature_requests group by 1')).toMatchObject({ table: 'feature_requests', complexity: 'aggregate' });
    expect(classifyQuery('transaction')).toEqual({ query_type: 'other', table: 'none', complexity: 'simple' });
  });
});

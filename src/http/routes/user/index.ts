// The signed-in user's own context.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { userContext } from '../../../services/accounts.js';
import { Nullable, responses } from '../../schemas.js';
import { Account } from '../auth/schemas.js';
import type { RouteDeps } from '../index.js';

const UserContext = Type.Object({
  user: Account,
  permissions: Type.Array(Type.String()),
  restrictions: Type.Array(Type.String()),
  season: Type.Object({ region: Type.String(), season: Type.String(), criticalHours: Type.Boolean(), multiplier: Type.Number() }),
  submissions: Type.Object({ today: Type.Integer(), dailyLimit: Nullable(Type.Integer()) }),
});

const user: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { services, call }) => {
  app.get('/api/user/context', {
    config: { access: 'signed_in' },
    schema: { tags: ['user'], summary: 'Who you are, what you may do, and your wedding season', response: responses({ 200: UserContext }) },
    handler: async (request) => userContext(services, call(request).actor),
  });
};

export default user;

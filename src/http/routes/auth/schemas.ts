import { Type } from '@sinclair/typebox';
import { BusinessSize, DateTime, Nullable, SupplierType, Text, UserRole, Uuid } from '../../schemas.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 10, maxLength: 200, description: 'At least 10 characters' });

export const Account = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  role: UserRole,
  verified: Type.Boolean({ description: 'A wedding supplier verified by the WedSync team' }),
  emailVerified: Type.Boolean({ description: 'The member confirmed their email address' }),
  supplierType: Nullable(SupplierType),
  businessName: Nullable(Type.String()),
  businessSize: Nullable(BusinessSize),
  country: Nullable(Type.String()),
  region: Type.String(),
  timeZone: Type.String(),
  createdAt: DateTime,
});

export const SignUpBody = Type.Object(
  {
    email: Email,
    password: Password,
    displayName: Text(1, 80),
    role: Type.Union([Type.Literal('couple'), Type.Literal('wedding_supplier')]),
    country: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' })),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/London' }),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{6,24}$' })),
    supplierType: Type.Optional(SupplierType),
    businessName: Type.Optional(Text(1, 120)),
    businessSize: Type.Optional(BusinessSize),
    businessAddress: Type.Optional(Text(1, 300)),
    consents: Type.Optional(
      Type.Object(
        { feature_feedback: Type.Optional(Type.Boolean()), ai_analysis: Type.Optional(Type.Boolean()), trend_analytics: Type.Optional(Type.Boolean()) },
        {
          additionalProperties: false,
          description: 'The consent boxes, unticked by default: a purpose left out or false is declined. Each answer is recorded as evidence.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const SessionReply = Type.Object({ user: Account, csrfToken: Type.String() });

export const SignUpReply = Type.Object(
  {
    status: Type.Literal('check_your_email'),
    emailVerification: Type.Union([Type.Literal('required'), Type.Literal('optional')], {
      description: 'required: confirm the address before posting, voting or commenting; optional: sign in and take part at once',
    }),
  },
  { description: 'The same for every address, registered or not: an email tells the owner what happens next' },
);

const LinkToken = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'The token of the emailed link' });

export const LinkBody = Type.Object({ token: LinkToken }, { additionalProperties: false });

export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });

export const PasswordResetBody = Type.Object({ token: LinkToken, password: Password }, { additionalProperties: false });

export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password },
  { additionalProperties: false },
);

export const EmailChangeBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }), newEmail: Email }, { additionalProperties: false });

export const Accepted = Type.Object({ status: Type.Literal('check_your_email') });

export const TokenBody = Type.Object(
  {
    name: Text(1, 80),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);

export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: DateTime,
  expiresAt: Nullable(DateTime),
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

export const CreatedApiToken = Type.Composite([ApiToken, Type.Object({ token: Type.String({ description: 'Shown once; store it now' }) })]);

export const SignInOptions = Type.Object({
  oidc: Nullable(
    Type.Object({
      providerName: Type.String({ description: 'Shown as "Sign in with <providerName>"' }),
      startUrl: Type.String({ description: 'Where the browser goes to start single sign-on' }),
    }),
  ),
  passwordSignInForStaff: Type.Boolean({ description: 'false: product team accounts sign in through the provider only' }),
});

export const OidcStartQuery = Type.Object(
  { returnTo: Type.Optional(Type.String({ maxLength: 500, description: 'A path on this site to land on after signing in' })) },
  { additionalProperties: false },
);

/** What a provider sends back (RFC 6749 §4.1.2, RFC 9207 `iss`); openid-client checks the values. */
export const OidcCallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  session_state: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 2048 })),
  error_uri: Type.Optional(Type.String({ maxLength: 2048 })),
});

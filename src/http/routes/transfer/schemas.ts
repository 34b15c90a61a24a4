// Request and response shapes of the import and export routes.
import { Type } from '@sinclair/typebox';
import { BUILT_IN_MAPPING_NAMES, EXPORT_FORMATS, IMPORT_CSV_MAX_CHARS, type ImportField } from '../../../domain/request-transfer.js';
import { SELF_SERVICE_ROLES } from '../../../domain/feature-requests.js';
import { literals, Nullable, Status, Text } from '../../schemas.js';

export const ExportBody = Type.Object(
  {
    format: literals(EXPORT_FORMATS),
    status: Type.Optional(Status),
    justification: Type.Optional(
      Text(1, 2000, {
        description:
          'Why personal fields (names, emails, descriptions, wedding context, comment text) must be included; without it voters and authors are pseudonyms',
      }),
    ),
  },
  { additionalProperties: false },
);

const Column = Type.String({ minLength: 1, maxLength: 200 });
const CustomMapping = Type.Object(
  {
    externalId: Column,
    title: Column,
    description: Type.Optional(Column),
    category: Type.Optional(Column),
    status: Type.Optional(Column),
    urgency: Type.Optional(Column),
    voterEmails: Type.Optional(Column),
    createdAt: Type.Optional(Column),
  } satisfies Record<ImportField, unknown>,
  { additionalProperties: false, description: 'Which CSV column holds each field (voterEmails: emails separated by ; , or spaces)' },
);

export const ImportBody = Type.Object(
  {
    csv: Type.String({ minLength: 1, maxLength: IMPORT_CSV_MAX_CHARS, description: 'The file: UTF-8 CSV with a header row' }),
    mapping: Type.Union([literals(BUILT_IN_MAPPING_NAMES), CustomMapping]),
    source: Type.Optional(
      Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,39}$', description: 'The tool the file came from; external ids are unique per source' }),
    ),
    defaultCategory: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    userType: Type.Optional(literals(SELF_SERVICE_ROLES)),
    dryRun: Type.Boolean({ description: 'Report what would be created, skipped and refused, and write nothing' }),
  },
  { additionalProperties: false },
);

const RowProblem = Type.Object({ row: Type.Integer(), externalId: Nullable(Type.String()), reason: Type.String(), message: Type.String() });
const Rows = Type.Array(Type.Integer(), { description: 'Line numbers in the file (the header is line 1)' });

export const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  source: Type.String(),
  rows: Type.Integer(),
  created: Type.Array(Type.Object({ externalId: Type.String(), rows: Rows, title: Type.String(), requestId: Nullable(Type.String()) })),
  alreadyImported: Type.Array(Type.Object({ externalId: Type.String(), rows: Rows, requestId: Type.String() })),
  skipped: Type.Array(RowProblem),
  refused: Type.Array(RowProblem),
  votes: Type.Object({ created: Type.Integer(), placeholderMembers: Type.Integer() }),
});

// The API's shapes as the UI reads them (see src/http/routes/*/schemas.ts and /api/openapi.json).
import type { Status, Urgency, UserRole } from '../../src/domain/feature-requests.js';

export type { Status, Urgency, UserRole };
export type BoardSort = 'top' | 'new' | 'trending';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Account {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  verified: boolean;
  supplierType: string | null;
  businessName: string | null;
  businessSize: string | null;
  country: string | null;
  region: string;
  timeZone: string;
  createdAt: string;
}

export interface SessionReply {
  user: Account;
  csrfToken: string | null;
}

export interface BoardItem {
  id: string;
  title: string;
  category: string;
  status: Status;
  urgency: Urgency;
  userType: UserRole;
  voteCount: number;
  voteWeight: number;
  commentCount: number;
  mergedIntoId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Present when signed in. */
  viewerHasVoted?: boolean;
}

export interface StatusChange {
  fromStatus: Status | null;
  toStatus: Status;
  justification: string;
  createdAt: string;
}

export interface Author {
  id: string | null;
  displayName: string;
  role: UserRole;
}

export interface WeddingContext {
  weddingDate: string;
  guestCount: number;
  country: string;
  timeZone: string;
  venueAddress?: string;
  coupleNames?: string;
}

export interface FeatureRequest extends BoardItem {
  access: 'public' | 'content' | 'full';
  statusHistory: StatusChange[];
  description?: string;
  painPoints?: string[];
  weddingContext?: WeddingContext | null;
  author?: Author | null;
  allowedTransitions?: Status[];
}

export interface VoteReply {
  requestId: string;
  voted: boolean;
  weight: number;
  voteCount: number;
  voteWeight: number;
}

export interface Comment {
  id: string;
  requestId: string;
  content: string;
  expertAdvice: boolean;
  author: Author | null;
  createdAt: string;
}

export interface UserContext {
  user: Account;
  permissions: string[];
  restrictions: string[];
  submissions: { today: number; dailyLimit: number | null };
}

export interface SubmitBody {
  title: string;
  description: string;
  category: string;
  urgency: Urgency;
  painPoints?: string[];
  weddingContext?: WeddingContext;
}

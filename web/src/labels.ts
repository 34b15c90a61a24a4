// Words for the API's keys, and the deployment's settings the server writes into the page.
import { BUSINESS_SIZES, DEFAULT_CATEGORIES, ROADMAP_STATUSES, STATUSES, SUPPLIER_TYPES, URGENCIES } from '../../src/domain/feature-requests.js';
import type { ConsentPurpose, Status, Urgency, UserRole } from './types.js';

interface PageConfig {
  categories: string[];
  boardVisibility: 'public' | 'members';
}

function readPageConfig(): PageConfig {
  const fallback: PageConfig = { categories: [...DEFAULT_CATEGORIES], boardVisibility: 'public' };
  const meta = document.querySelector<HTMLMetaElement>('meta[name="wedsync-config"]');
  if (!meta) return fallback;
  try {
    const parsed = JSON.parse(meta.content) as Partial<PageConfig>;
    return {
      categories: Array.isArray(parsed.categories) && parsed.categories.length ? parsed.categories : fallback.categories,
      boardVisibility: parsed.boardVisibility === 'members' ? 'members' : 'public',
    };
  } catch {
    return fallback;
  }
}

export const pageConfig = readPageConfig();
export const CATEGORIES: readonly string[] = pageConfig.categories;
export { BUSINESS_SIZES, ROADMAP_STATUSES, STATUSES, SUPPLIER_TYPES, URGENCIES };

const CATEGORY_LABELS: Record<string, string> = {
  guest_management: 'Guest management',
  rsvp: 'RSVPs',
  seating: 'Seating plans',
  budget_payments: 'Budget & payments',
  vendor_management: 'Suppliers & vendors',
  timeline_planning: 'Timeline & planning',
  communication: 'Messages & communication',
  website_invitations: 'Website & invitations',
  mobile_app: 'Mobile app',
  integrations: 'Integrations',
  reporting_analytics: 'Reports & analytics',
  accessibility_localization: 'Accessibility & languages',
  contracts_documents: 'Contracts & documents',
  photos_media: 'Photos & media',
};

const humanise = (key: string) => {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const categoryLabel = (key: string) => CATEGORY_LABELS[key] ?? humanise(key);

const STATUS_LABELS: Record<Status, string> = {
  open: 'Open',
  under_review: 'Under review',
  planned: 'Planned',
  in_progress: 'In progress',
  shipped: 'Shipped',
  declined: 'Declined',
  merged: 'Merged',
};
export const statusLabel = (s: Status) => STATUS_LABELS[s] ?? humanise(s);

const URGENCY_LABELS: Record<Urgency, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };
export const urgencyLabel = (u: Urgency) => URGENCY_LABELS[u] ?? humanise(u);

export const URGENCY_HINTS: Record<Urgency, string> = {
  low: 'Nice to have',
  medium: 'Would save real time',
  high: 'Causing problems now',
  critical: 'Blocking our wedding or business',
};

const ROLE_LABELS: Record<UserRole, string> = {
  couple: 'Couple',
  wedding_supplier: 'Wedding supplier',
  product_team: 'WedSync team',
  ai_system: 'Automated assistant',
};
export const roleLabel = (r: UserRole) => ROLE_LABELS[r] ?? humanise(r);

const SUPPLIER_TYPE_LABELS: Record<string, string> = {
  venue: 'Venue',
  planner: 'Wedding planner',
  music_entertainment: 'Music & entertainment',
  hair_makeup: 'Hair & make-up',
  attire: 'Dresses & suits',
  transport: 'Transport',
};
export const supplierTypeLabel = (t: string) => SUPPLIER_TYPE_LABELS[t] ?? humanise(t);

export const BUSINESS_SIZE_LABELS: Record<string, string> = {
  solo: 'Just me',
  small: 'Small team',
  medium: 'Medium-sized business',
  large: 'Large business',
};

const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
export const formatDate = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
};

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export const riceScoreText = (score: number) => score.toLocaleString(undefined, { maximumFractionDigits: 1 });

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDateTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFormat.format(d);
};

/** The consent purposes as the sign-up form and the privacy centre ask about them. */
export const CONSENT_PURPOSE_LABELS: Record<ConsentPurpose, { label: string; about: string }> = {
  feature_feedback: {
    label: 'Use my requests, votes and comments as product feedback',
    about: 'The WedSync team reads what you ask for and vote on to decide what to build next, and may follow up with you about it.',
  },
  ai_analysis: {
    label: 'Let WedSync’s AI analyse my requests',
    about:
      'Our own AI, running on WedSync’s servers (nothing goes to another company), reads the title and description of your requests to find duplicates and group similar needs. It never sees your name, venue or wedding details.',
  },
  trend_analytics: {
    label: 'Count my requests and votes in trend analytics',
    about: 'Your requests and votes are added to the totals per category that suppliers and the WedSync team see. The totals never show who you are.',
  },
};

// Every failure shown to a person in plain words: what happened and what to do next. The API's
// codes are stable (src/services, src/http/plugins/app/errors.ts); its messages are the fallback.
import { ApiError } from './api.js';

const FIELD_NAMES: Record<string, string> = {
  title: 'The title',
  description: 'The description',
  category: 'The category',
  urgency: 'The urgency',
  painPoints: 'Each pain point',
  weddingContext: 'Your wedding details',
  'weddingContext.weddingDate': 'The wedding date',
  'weddingContext.guestCount': 'The number of guests',
  'weddingContext.country': 'The country',
  'weddingContext.timeZone': 'The time zone',
  'weddingContext.venueAddress': 'The venue address',
  'weddingContext.coupleNames': 'The couple’s names',
  email: 'The email address',
  password: 'The password',
  displayName: 'Your name',
  role: 'The account type',
  country: 'The country',
  timeZone: 'The time zone',
  supplierType: 'The kind of business',
  businessName: 'The business name',
  businessSize: 'The business size',
  businessAddress: 'The business address',
  justification: 'The reason',
  status: 'The new status',
  content: 'Your comment',
  q: 'The search',
  phone: 'The phone number',
  confirm: 'The confirmation',
};

/** `body.painPoints.2` → `painPoints`, `body.weddingContext.guestCount` → `weddingContext.guestCount`. */
export function formField(apiField: string): string {
  return apiField
    .replace(/^\.?(body|querystring|params)\.?/, '')
    .split('.')
    .filter((part) => part && !/^\d+$/.test(part))
    .join('.');
}

function describeRule(message: string): string {
  let m: RegExpMatchArray | null;
  if ((m = message.match(/fewer than (\d+) characters/))) return `must be at least ${m[1]} characters long`;
  if ((m = message.match(/more than (\d+) characters/))) return `must be at most ${m[1]} characters long`;
  if ((m = message.match(/more than (\d+) items/))) return `can have at most ${m[1]} entries`;
  if ((m = message.match(/must be >= (\d+)/))) return `must be at least ${m[1]}`;
  if ((m = message.match(/must be <= (\d+)/))) return `must be at most ${m[1]}`;
  if (/format "date"/.test(message)) return 'must be a date';
  if (/format "email"/.test(message)) return 'must be an email address like name@example.com';
  if (/must be integer/.test(message)) return 'must be a whole number';
  if (/must match pattern/.test(message)) return 'is not in the expected form';
  if (/allowed values/.test(message)) return 'must be one of the listed options';
  if ((m = message.match(/required property '([^']+)'/))) return `needs ${FIELD_NAMES[m[1]!]?.replace(/^The /, 'the ') ?? m[1]}`;
  return message;
}

interface ValidationDetail {
  field?: string;
  message?: string;
  unexpected?: string;
}

/** Field → plain message, for showing the API's verdict next to the field it is about. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  if (err.code === 'validation_failed' && Array.isArray(err.details)) {
    const out: Record<string, string> = {};
    for (const d of err.details as ValidationDetail[]) {
      if (!d.field || !d.message) continue;
      const field = formField(d.field);
      const missing = d.message.match(/required property '([^']+)'/);
      const key = missing ? (field ? `${field}.${missing[1]}` : missing[1]!) : field;
      const name = FIELD_NAMES[key] ?? FIELD_NAMES[field] ?? 'This field';
      out[key] = missing ? `${name} is required.` : `${name} ${describeRule(d.message)}.`;
    }
    return out;
  }
  const field = (err.details as { field?: string } | undefined)?.field;
  if (typeof field === 'string') return { [formField(field)]: plainMessage(err) };
  if (err.code === 'unknown_category') return { category: plainMessage(err) };
  if (err.code === 'email_taken') return { email: plainMessage(err) };
  return {};
}

/** What a form shows when it fails: problems by field, else one message for the form as a whole. */
export interface Problems {
  fields: Record<string, string>;
  form: string | null;
}

/** The API's refusal as a form's problems: at the fields it names, or in plain words for the form. */
export function problemsOf(err: unknown): Problems {
  const fields = fieldErrors(err);
  return { fields, form: Object.keys(fields).length ? null : plainMessage(err) };
}

function waitText(seconds: number | undefined): string {
  if (!seconds) return 'later';
  if (seconds < 90) return 'in a minute';
  if (seconds < 5400) return `in about ${Math.round(seconds / 60)} minutes`;
  return `in about ${Math.round(seconds / 3600)} hours`;
}

export function plainMessage(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something unexpected happened. Reload the page and try again.';
  switch (err.code) {
    case 'network':
      return 'We couldn’t reach WedSync. Check your connection and try again.';
    case 'unauthenticated':
      return 'Please sign in first. If you were signed in, your session has ended.';
    case 'email_taken':
      return 'There is already an account with this email address. Sign in instead, or use another address.';
    case 'business_context_required':
      return 'Tell us your kind of business, its name and its size: they decide how much your votes count.';
    case 'invalid_transition':
      return 'The request can’t move to that status from where it is now. Reload to see its current status.';
    case 'invalid_credentials':
      return 'That email and password don’t match an account. Check them and try again.';
    case 'csrf_token_invalid':
      return 'Your session needs refreshing. Reload the page and try again.';
    case 'forbidden':
      return 'Your account can’t do this.';
    case 'not_found':
      return 'We couldn’t find that. It may have been removed, or the link is wrong.';
    case 'route_not_found':
      return 'That page of the service doesn’t exist.';
    case 'request_merged':
      return 'This request was merged into another one. Vote or comment there instead.';
    case 'already_voted':
      return 'You’ve already voted for this request.';
    case 'vote_rejected':
      return 'The WedSync team reviewed your vote on this request and decided not to count it. It stays on record, so it can’t be taken back or cast again.';
    case 'submission_limit_reached':
      return `You’ve sent today’s maximum of requests. Vote for existing ones, or send this one ${waitText(err.retryAfterSeconds)}: we’ve kept your draft.`;
    case 'wedding_context_required':
      return 'Tell us about your wedding: the date, number of guests, country and time zone.';
    case 'unknown_category':
      return 'Choose one of the listed categories.';
    case 'invalid_time_zone':
      return 'Choose a time zone from the list, for example Europe/London.';
    case 'invalid_cursor':
      return 'The list changed while you were reading it. Reload to start from the top.';
    case 'nothing_to_change':
      return 'Nothing has changed yet: correct a detail, then save.';
    case 'payload_too_large':
      return 'That’s too long to send. Shorten it and try again.';
    case 'validation_failed': {
      const first = Object.values(fieldErrors(err))[0];
      return first ?? 'Some of the details aren’t valid. Check the form and try again.';
    }
    default:
      if (err.status === 429) return `Too many attempts. Please try again ${waitText(err.retryAfterSeconds)}.`;
      if (err.status >= 500 || err.status === 0) return 'Something went wrong on our side. Please try again in a moment.';
      // The API's own messages are written for people (supplier_not_verified, invalid_transition…).
      return err.message;
  }
}

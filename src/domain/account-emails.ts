// The emails about a member's account: confirm your address, reset your password, someone tried to
// sign up with your address, confirm a new address, your address is being changed. Transactional:
// sent whatever the member's `feature_feedback` consent and notification preferences, and without an
// unsubscribe link (docs/decisions/0035). Pure; every interpolated value is escaped in the HTML part.
import escapeHtml from 'escape-html';
import type { MemberEmail } from './member-emails.js';

export const ACCOUNT_EMAIL_KINDS = ['verify_email', 'sign_up_attempt', 'reset_password', 'confirm_email_change', 'email_change_requested'] as const;
export type AccountEmailKind = (typeof ACCOUNT_EMAIL_KINDS)[number];

/** How long each link works. A reset link is short-lived: it signs nobody in but replaces the password. */
export const LINK_LIFETIME_MS = {
  verify_email: 48 * 3_600_000,
  reset_password: 30 * 60_000,
  change_email: 24 * 3_600_000,
} as const;

/** Links of one purpose a member may be sent per hour; beyond it nothing more is sent. */
export const LINKS_PER_HOUR = 3;

/** The web page each link opens (the page POSTs the token: a mail scanner fetching the link changes nothing). */
export const LINK_PAGE: Record<AccountEmailKind, string> = {
  verify_email: '/verify-email',
  sign_up_attempt: '/reset-password',
  reset_password: '/reset-password',
  confirm_email_change: '/confirm-email',
  email_change_requested: '/reset-password',
};

interface Content {
  subject: string;
  lines: string[];
  action: string;
  after: string[];
}

function content(kind: AccountEmailKind, minutes: number): Content {
  const lasts = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
  switch (kind) {
    case 'verify_email':
      return {
        subject: 'Confirm your email address for WedSync',
        lines: ['Thank you for joining WedSync Feature Requests. Confirm that this address is yours to start posting, voting and commenting.'],
        action: 'Confirm my email address',
        after: [`The link works once, for ${lasts}. If you did not sign up, ignore this email: no account is active without it.`],
      };
    case 'sign_up_attempt':
      return {
        subject: 'Someone tried to sign up to WedSync with your address',
        lines: [
          'Someone just tried to create a WedSync account with this email address, which already has one. We did not create a second account.',
          'If it was you, sign in as usual — or choose a new password if you have forgotten it:',
        ],
        action: 'Choose a new password',
        after: [`The link works once, for ${lasts}. If it was not you, ignore this email; your account is unchanged.`],
      };
    case 'reset_password':
      return {
        subject: 'Reset your WedSync password',
        lines: ['Someone (hopefully you) asked to reset the password of your WedSync account.'],
        action: 'Choose a new password',
        after: [`The link works once, for ${lasts}, and signs you out everywhere. If you did not ask, ignore this email; your password is unchanged.`],
      };
    case 'confirm_email_change':
      return {
        subject: 'Confirm your new email address for WedSync',
        lines: ['Your WedSync account asked to use this address from now on.'],
        action: 'Confirm my new address',
        after: [`The link works once, for ${lasts}. If you did not ask for this, ignore this email.`],
      };
    case 'email_change_requested':
      return {
        subject: 'Your WedSync email address is being changed',
        lines: [
          'Someone signed in to your WedSync account asked to move it to a different email address. It changes once the new address is confirmed.',
          'If this was not you, choose a new password now: it cancels the change and signs everyone out of your account.',
        ],
        action: 'This was not me: choose a new password',
        after: [`The link works once, for ${lasts}.`],
      };
  }
}

const htmlDocument = (subject: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body style="font-family:sans-serif;line-height:1.5">${body}</body></html>`;

/** One account email; `link` carries the secret and is shown on a line of its own. */
export function accountEmail(kind: AccountEmailKind, recipientName: string, link: string, lifetimeMs: number): MemberEmail {
  const c = content(kind, Math.round(lifetimeMs / 60_000));
  const text = [`Hello ${recipientName},`, '', ...c.lines.flatMap((l) => [l, '']), `${c.action}:`, link, '', ...c.after, '', '-- WedSync'].join('\n');
  const html = htmlDocument(
    c.subject,
    `<p>Hello ${escapeHtml(recipientName)},</p>\n${c.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}\n<p><a href="${escapeHtml(link)}">${escapeHtml(c.action)}</a></p>\n${c.after
      .map((l) => `<p style="color:#555;font-size:12px">${escapeHtml(l)}</p>`)
      .join('\n')}`,
  );
  return { subject: c.subject, text, html };
}

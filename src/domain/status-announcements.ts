// What the public status page says during an incident an operator declares: the brief's emergency
// procedures' communication templates. Public wording only: never internal detail.

export const STATUS_TEMPLATES = {
  /** The brief's communication_template, word for word. */
  wedding_day_outage: 'We are experiencing technical difficulties and are working urgently to restore service. Your wedding day is our priority.',
  /**
   * The brief gives this procedure no wording, only "notify affected users with transparency",
   * "restore couple wedding data first" and "individual outreach to affected couples"; this says that.
   */
  data_corruption_discovered:
    "We have found a problem with some stored data and are restoring it from our backups, couples' wedding details first. If your information is affected we will contact you individually.",
} as const;

export type StatusTemplate = keyof typeof STATUS_TEMPLATES;

export const STATUS_TEMPLATE_NAMES = Object.keys(STATUS_TEMPLATES) as StatusTemplate[];

export const isStatusTemplate = (name: string): name is StatusTemplate => Object.hasOwn(STATUS_TEMPLATES, name);

/**
 * The fingerprint of an incident an operator declares: the unresolved-fingerprint unique index keeps
 * it to one open at a time, and the status page finds its text by it.
 */
export const STATUS_INCIDENT_FINGERPRINT = 'status-page:operator';

/**
 * Alerts labelled `visibility: internal` — the security detections (insider access, vote
 * manipulation, bulk harvesting) — stay on the operators' pages and never reach the public status
 * page: announcing them would tell the person being watched what was noticed, and tell everyone
 * else about staff or members under suspicion.
 */
export const INTERNAL_ALERT_LABEL = { name: 'visibility', value: 'internal' } as const;

/** The longest announcement the status page shows (incidents.summary holds 500 characters). */
export const ANNOUNCEMENT_MAX_LENGTH = 500;

/** The template, then the operator's own update (e.g. when service is expected back). */
export function announcementText(template: StatusTemplate, update?: string): string {
  const extra = update?.trim();
  return extra ? `${STATUS_TEMPLATES[template]} ${extra}` : STATUS_TEMPLATES[template];
}

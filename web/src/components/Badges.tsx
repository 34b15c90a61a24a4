import { categoryLabel, statusLabel, urgencyLabel } from '../labels.js';
import type { Status, Urgency } from '../types.js';

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge status-${status}`}>
      <span className="visually-hidden">Status: </span>
      {statusLabel(status)}
    </span>
  );
}

export function CategoryTag({ category }: { category: string }) {
  return (
    <span className="tag">
      <span className="visually-hidden">Category: </span>
      {categoryLabel(category)}
    </span>
  );
}

export function UrgencyTag({ urgency }: { urgency: Urgency }) {
  return <span className={`tag urgency-${urgency}`}>{urgencyLabel(urgency)} urgency</span>;
}

export function ExpertBadge() {
  return (
    <span className="badge expert" title="Written by a verified wedding supplier">
      Expert advice
    </span>
  );
}

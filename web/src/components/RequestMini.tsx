// A request in a list that is not the board (roadmap columns, timeline, triage queue): its title as
// a link, category, votes and when it was asked. `children` adds a screen's own actions.
import type { ReactNode } from 'react';
import { formatDate, plural, roleLabel } from '../labels.js';
import { Link } from '../router.js';
import type { BoardItem } from '../types.js';
import { CategoryTag, StatusBadge, UrgencyTag } from './Badges.js';

export function RequestMini({
  item,
  showStatus,
  showUrgency,
  headingLevel = 3,
  children,
}: {
  item: BoardItem;
  showStatus?: boolean;
  showUrgency?: boolean;
  headingLevel?: 2 | 3;
  children?: ReactNode;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="mini-card" aria-labelledby={`mini-${item.id}`}>
      <Heading className="mini-title" id={`mini-${item.id}`}>
        <Link to={`/requests/${item.id}`}>{item.title}</Link>
      </Heading>
      <p className="card-meta">
        {showStatus && <StatusBadge status={item.status} />}
        <CategoryTag category={item.category} />
        {showUrgency && <UrgencyTag urgency={item.urgency} />}
      </p>
      <p className="card-facts">
        <span>{plural(item.voteCount, 'vote')}</span>
        <span>From a {roleLabel(item.userType).toLowerCase()}</span>
        <span>
          <time dateTime={item.createdAt}>{formatDate(item.createdAt)}</time>
        </span>
      </p>
      {children}
    </article>
  );
}

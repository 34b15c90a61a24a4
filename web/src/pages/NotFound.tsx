import { PageHeading } from '../components/PageHeading.js';
import { Link } from '../router.js';

export default function NotFound() {
  return (
    <>
      <PageHeading title="Page not found" />
      <p>There is no page at this address. It may have moved, or the link is wrong.</p>
      <p>
        <Link to="/">Go to the board</Link>
      </p>
    </>
  );
}

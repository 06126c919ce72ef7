import { useTranslation } from 'react-i18next';
import { count as formatCount } from '../../components/time';

/**
 * "N people here": everyone in a live space now, the stage included, once
 * per person (X's participant_count). The space page, the Home bubbles, the
 * Spaces tab and the mini-player all show this one number.
 */
export function PeopleHere({ count }: { count: number }) {
  const { t } = useTranslation('space');
  return (
    <span className="people-here muted" data-testid="people-here">
      {t('peopleHere', { count, formatted: formatCount(count) })}
    </span>
  );
}

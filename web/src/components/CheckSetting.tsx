import { type ReactNode, useId } from 'react';

/**
 * A setting that is a checkbox with its help line below: the space's switches,
 * the captions checkboxes. The help describes the box (aria-describedby).
 */
export function CheckSetting({
  label,
  help,
  checked,
  onChange,
  disabled,
  name,
  className,
  helpTestId,
  children,
}: {
  label: string;
  help: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
  name?: string;
  className?: string;
  helpTestId?: string;
  /** Shown under the help (an error line). */
  children?: ReactNode;
}) {
  const helpId = useId();
  return (
    <div className={className ? `host-setting ${className}` : 'host-setting'}>
      <label className="check">
        <input
          type="checkbox"
          name={name}
          checked={checked}
          disabled={disabled}
          aria-describedby={helpId}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        {label}
      </label>
      <p id={helpId} className="muted small" data-testid={helpTestId}>
        {help}
      </p>
      {children}
    </div>
  );
}

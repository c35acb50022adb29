import { useRef, useState, type KeyboardEvent } from 'react';
import { HOURS, WEEKDAYS, WEEKDAY_NAMES, describeSchedule, isOn, moveCell, toggleCell, toggleDay, toggleHour, type Cell, type Schedule } from './grid-model';

/** The 7-day × 24-hour grid. One Tab stop; arrows move, Space or Enter toggles. */
export function ScheduleGrid({ value, onChange }: { value: Schedule; onChange: (s: Schedule) => void }) {
  const [focus, setFocus] = useState<Cell>({ row: 0, col: value.timePoints[0] ?? 0 });
  const table = useRef<HTMLTableElement>(null);
  const onKey = (e: KeyboardEvent) => {
    // Header buttons handle their own keys; only the cells move and toggle here.
    if (!(e.target as HTMLElement).dataset.cell) return;
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      onChange(toggleCell(value, WEEKDAYS[focus.row]!, HOURS[focus.col]!));
      return;
    }
    const next = moveCell(focus, e.key);
    if (!next) return;
    e.preventDefault();
    setFocus(next);
    table.current?.querySelector<HTMLElement>(`[data-cell="${next.row}-${next.col}"]`)?.focus();
  };
  return (
    <div className="grid-editor">
      <p className="hint">
        A policy runs at the same hours on every chosen day. Click an hour to switch its whole column, a day to switch its whole row; a cell switches its
        hour (and its day, if that day was off).
      </p>
      <div className="grid-scroll">
        <table className="schedule-grid" role="grid" aria-label="Schedule: days by hours" ref={table} onKeyDown={onKey}>
          <thead>
            <tr>
              <th />
              {HOURS.map((h) => (
                <th key={h} scope="col">
                  <button type="button" className={`hour-head${value.timePoints.includes(h) ? ' on' : ''}`} aria-pressed={value.timePoints.includes(h)} aria-label={`Hour ${h}:00`} onClick={() => onChange(toggleHour(value, h))}>
                    {h}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WEEKDAYS.map((d, row) => (
              <tr key={d}>
                <th scope="row">
                  <button type="button" className={`day-head${value.repeatWeekdays.includes(d) ? ' on' : ''}`} aria-pressed={value.repeatWeekdays.includes(d)} onClick={() => onChange(toggleDay(value, d))}>
                    {WEEKDAY_NAMES[row]}
                  </button>
                </th>
                {HOURS.map((h, col) => {
                  const on = isOn(value, d, h);
                  const focused = focus.row === row && focus.col === col;
                  return (
                    <td
                      key={h}
                      role="gridcell"
                      aria-selected={on}
                      aria-label={`${WEEKDAY_NAMES[row]} ${h}:00`}
                      data-cell={`${row}-${col}`}
                      tabIndex={focused ? 0 : -1}
                      className={`cell${on ? ' on' : ''}`}
                      onClick={() => {
                        setFocus({ row, col });
                        onChange(toggleCell(value, d, h));
                      }}
                    />
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="schedule-summary" data-testid="schedule-summary">{describeSchedule(value)}</p>
    </div>
  );
}

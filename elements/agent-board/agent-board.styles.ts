import { css } from 'lit';

export const agentBoardStyles = css`
  :host {
    min-inline-size: 0;
    font-family: var(--_font);
    color: var(--_text);
  }
  .base {
    display: grid;
    gap: 8px;
    min-inline-size: 0;
    padding: 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-size: 13px;
  }
  /* Narrower than the table (a phone, a side panel): the table scrolls, the page does not. */
  .scroll {
    min-inline-size: 0;
    overflow-x: auto;
    border-radius: calc(var(--_radius) - 4px);
  }
  .scroll:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  table {
    inline-size: 100%;
    border-collapse: separate;
    border-spacing: 0;
  }
  th,
  td {
    padding: 6px 8px;
    border-block-end: 1px solid var(--_border);
    text-align: start;
    vertical-align: middle;
    white-space: nowrap;
  }
  thead th {
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }
  tbody tr:last-child > * {
    border-block-end: 0;
  }
  /* The agent stays in view while the other columns scroll under it. */
  th:first-child {
    position: sticky;
    inset-inline-start: 0;
    z-index: 1;
    background: var(--_bg);
    box-shadow: inset -1px 0 0 var(--_border);
  }
  :host(:dir(rtl)) th:first-child {
    box-shadow: inset 1px 0 0 var(--_border);
  }
  .agent {
    font-weight: 400;
  }
  .name {
    display: block;
    max-inline-size: 16em;
    overflow: hidden;
    font-weight: 600;
    text-overflow: ellipsis;
  }
  .id,
  .queue,
  .note {
    display: block;
    color: var(--_muted);
    font-size: 12px;
  }
  .note.pending {
    color: color-mix(in srgb, var(--_warning), #000 40%);
  }
  .state {
    --_tone: var(--_muted);
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .state[data-tone='ready'] {
    --_tone: var(--_success);
  }
  .state[data-tone='away'] {
    --_tone: var(--_warning);
  }
  .state[data-tone='busy'] {
    --_tone: var(--_danger);
  }
  .dot {
    flex: none;
    inline-size: 8px;
    block-size: 8px;
    border-radius: 50%;
    background: var(--_tone, var(--_muted));
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_tone, var(--_muted)), transparent 78%);
  }
  .label {
    font-weight: 600;
  }
  .reason {
    color: var(--_muted);
  }
  .reason::before {
    content: '·';
    margin-inline-end: 6px;
  }
  .time,
  .caller {
    font-variant-numeric: tabular-nums;
  }
  /*
   * The groups (modes; intercept and stop; agent state) go onto more lines before the table needs
   * to scroll; a group stays on one line, so a row never turns into a column of single buttons.
   */
  td.actions {
    white-space: normal;
  }
  .action-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
  }
  .group {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    white-space: nowrap;
  }
  .actions .btn {
    min-block-size: 30px;
    padding: 0 10px;
    font-size: 12.5px;
  }
  .btn.mode[aria-pressed='true'] {
    border-color: var(--_primary);
    background: color-mix(in srgb, var(--_primary), var(--_bg) 86%);
    color: color-mix(in srgb, var(--_primary), #000 25%);
  }
  .btn.danger-text {
    color: var(--_danger);
  }
  .question {
    margin-inline-end: 4px;
    font-weight: 600;
  }
  .empty {
    padding: 16px 8px;
    color: var(--_muted);
    text-align: center;
    white-space: normal;
  }
  .error.shown {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    padding: 6px 6px 6px 10px;
    border-radius: calc(var(--_radius) - 4px);
    background: color-mix(in srgb, var(--_danger), var(--_bg) 90%);
    color: color-mix(in srgb, var(--_danger), #000 30%);
  }
  .error-text {
    flex: 1 1 12em;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  .error .btn {
    min-block-size: 28px;
    margin-inline-start: auto;
  }
  .footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
  }
  .connection {
    --_tone: var(--_success);
    display: inline-flex;
    flex: 1 1 12em;
    align-items: center;
    gap: 8px;
    min-inline-size: 0;
    color: var(--_muted);
    font-size: 12px;
  }
  .connection[data-state='connecting'] {
    --_tone: var(--_muted);
  }
  .connection[data-state='lost'] {
    --_tone: var(--_warning);
  }
  .connection:is([data-state='stopped'], [data-state='refused']) {
    --_tone: var(--_danger);
    color: color-mix(in srgb, var(--_danger), #000 30%);
  }
  .footer .btn {
    min-block-size: 28px;
  }
`;

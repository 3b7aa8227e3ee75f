import { css } from 'lit';

export const agentStatusStyles = css`
  .header {
    display: grid;
    gap: 12px;
    padding: 14px 16px 12px;
    background: var(--_surface);
    border-block-end: 1px solid var(--_border);
  }
  .identity {
    display: flex;
    align-items: center;
    gap: 10px;
    min-inline-size: 0;
  }
  .who {
    display: grid;
    min-inline-size: 0;
  }
  .name {
    overflow: hidden;
    font-weight: 650;
    font-size: 15px;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* Label, reason, time and code wrap as whole items when the line is short, never inside one. */
  .status {
    --_tone: var(--_muted);
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 6px;
    font-size: 12.5px;
    color: var(--_muted);
  }
  .status[data-tone='ready'] {
    --_tone: var(--_success);
  }
  .status[data-tone='away'] {
    --_tone: var(--_warning);
  }
  .status[data-tone='busy'] {
    --_tone: var(--_danger);
  }
  .status > * {
    white-space: nowrap;
  }
  .label {
    color: var(--_text);
    font-weight: 600;
  }
  .dot {
    inline-size: 8px;
    block-size: 8px;
    border-radius: 50%;
    background: var(--_tone);
    box-shadow: 0 0 0 3px color-mix(in srgb, var(--_tone), transparent 78%);
  }
  .reason::before,
  .since::before {
    content: '·';
    margin-inline-end: 6px;
  }
  .since {
    font-variant-numeric: tabular-nums;
  }
  /* With Call back, the buttons go under the text: beside it they squeezed it into a narrow column. */
  .missed {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    margin: 12px 16px 0;
    padding: 6px 6px 6px 12px;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_warning), var(--_bg) 88%);
    font-size: 13px;
  }
  .missed-text {
    flex: 1;
    min-inline-size: 0;
  }
  .missed-text:has(+ .btn) {
    flex-basis: 100%;
  }
  .missed-text + .btn {
    margin-inline-start: auto;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .actions .ghost {
    margin-inline-start: auto;
  }
  /*
   * As wide as its widest reason and the Break button, then it grows: Go offline keeps its place
   * on the same row down to the workbench's minimum width (300px) in both languages.
   */
  .break {
    display: inline-flex;
    flex: 1 1 auto;
    min-inline-size: 0;
  }
  .break select {
    flex: 1;
    min-inline-size: 0;
    min-block-size: 34px;
    padding: 0 26px 0 10px;
    border: 1px solid var(--_border);
    border-inline-end: 0;
    border-radius: var(--_radius) 0 0 var(--_radius);
    background:
      var(--_bg)
      url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%236b7280' stroke-width='1.5'/%3E%3C/svg%3E")
      no-repeat right 9px center;
    appearance: none;
    font-size: 13px;
    cursor: pointer;
  }
  .break .btn {
    border-radius: 0 var(--_radius) var(--_radius) 0;
  }
  .break select:focus-visible {
    position: relative;
    z-index: 1;
  }
`;

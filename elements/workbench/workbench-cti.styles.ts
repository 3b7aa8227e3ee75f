import { css } from 'lit';

/** Styles of the CTI parts; adopted next to the workbench's own when the CTI module loads. */
export const workbenchCtiStyles = css`
  .cti-field {
    display: grid;
    gap: 6px;
  }
  .cti-line {
    display: flex;
    align-items: center;
    gap: 6px;
    min-block-size: 28px;
  }
  .cti-line select {
    flex: 1;
    min-inline-size: 0;
    min-block-size: 34px;
    padding: 0 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-variant-numeric: tabular-nums;
  }
  .cti-status {
    flex: 1;
    min-inline-size: 0;
    color: var(--_muted);
    font-size: 12px;
  }
  .refresh {
    color: var(--_muted);
  }
  .refresh[aria-busy='true'] .icon {
    animation: cc-spin 0.9s linear infinite;
  }
  @keyframes cc-spin {
    to {
      transform: rotate(360deg);
    }
  }
  .cti-error {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 4px 6px 10px;
    border: 1px solid color-mix(in srgb, var(--_danger), transparent 70%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_danger), var(--_bg) 93%);
    font-size: 12.5px;
  }
  .cti-error > .icon {
    color: var(--_danger);
  }
  .btn.small {
    min-block-size: 28px;
    padding: 0 8px;
    font-size: 12px;
  }
  .cti-empty {
    padding: 10px;
    color: var(--_muted);
    font-size: 13px;
    text-align: center;
  }

  /* Children of <details> inherit from its built-in slots (content-box), not from the card. */
  .recent > * {
    box-sizing: border-box;
  }
  .recent {
    position: relative;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  /* Progress and refresh sit in the summary's row, after it in focus order (no buttons inside a summary). */
  .recent-body > .cti-line {
    position: absolute;
    inset-block-start: 4px;
    inset-inline-end: 6px;
    text-align: end;
  }
  .recent summary {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-radius: var(--_radius);
    font-weight: 600;
    cursor: pointer;
  }
  .recent summary:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  .recent summary .icon {
    color: var(--_muted);
  }
  .recent summary::-webkit-details-marker {
    display: none;
  }
  /* A flex summary loses its disclosure triangle: this chevron shows open and closed instead. */
  .recent summary::after {
    content: '';
    inline-size: 10px;
    block-size: 6px;
    margin-inline-end: auto;
    background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%236b7280' stroke-width='1.5'/%3E%3C/svg%3E")
      no-repeat;
    transition: transform 0.12s;
  }
  .recent[open] summary::after {
    transform: rotate(180deg);
  }
  .recent-body {
    display: grid;
    gap: 6px;
    padding: 0 8px 8px;
  }
  .recent-list {
    max-block-size: 264px;
    margin: 0;
    padding: 0;
    overflow-y: auto;
    list-style: none;
  }
  .recent-call {
    display: flex;
    align-items: center;
    gap: 10px;
    inline-size: 100%;
    padding: 6px 4px;
    border: 0;
    border-radius: calc(var(--_radius) - 4px);
    background: transparent;
    text-align: start;
  }
  .recent-call:hover:not(:disabled) {
    background: var(--_surface);
  }
  .recent-dir {
    display: grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    border-radius: 50%;
    background: var(--_surface);
    color: var(--_success);
  }
  .recent-dir[data-dir='outbound'] {
    color: var(--_primary);
  }
  .recent-dir[data-dir='internal'] {
    color: var(--_muted);
  }
  .recent-call[data-missed] .recent-dir {
    color: var(--_danger);
  }
  .recent-dir .icon {
    inline-size: 16px;
    block-size: 16px;
  }
  .recent-main {
    display: grid;
    flex: 1;
    min-inline-size: 0;
  }
  .recent-number {
    overflow: hidden;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .recent-call[data-missed] .recent-number {
    color: color-mix(in srgb, var(--_danger), var(--_text) 30%);
  }
  .recent-meta,
  .recent-duration {
    color: var(--_muted);
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  @media (prefers-reduced-motion: reduce) {
    .refresh[aria-busy='true'] .icon {
      animation: none;
    }
    .recent summary::after {
      transition: none;
    }
  }
`;

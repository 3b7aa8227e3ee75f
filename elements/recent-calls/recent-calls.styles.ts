import { css } from 'lit';

export const recentCallsStyles = css`
  .recent {
    position: relative;
  }
  /* Progress and refresh sit in the summary's row, after it in focus order (no buttons inside a summary). */
  .body > .cti-line {
    position: absolute;
    inset-block-start: 4px;
    inset-inline-end: 6px;
    text-align: end;
  }
  summary::after {
    margin-inline-end: auto;
  }
  .body {
    display: grid;
    gap: 6px;
    padding: 0 8px 8px;
  }
  .list {
    max-block-size: 264px;
    margin: 0;
    padding: 0;
    overflow-y: auto;
    list-style: none;
  }
  .call {
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
  .call:hover:not(:disabled) {
    background: var(--_surface);
  }
  .dir {
    display: grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    border-radius: 50%;
    background: var(--_surface);
    color: var(--_success);
  }
  .dir[data-dir='outbound'] {
    color: var(--_primary);
  }
  .dir[data-dir='internal'] {
    color: var(--_muted);
  }
  .call[data-missed] .dir {
    color: var(--_danger);
  }
  .dir .icon {
    inline-size: 16px;
    block-size: 16px;
  }
  .main {
    display: grid;
    flex: 1;
    min-inline-size: 0;
  }
  .number {
    overflow: hidden;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .call[data-missed] .number {
    color: color-mix(in srgb, var(--_danger), var(--_text) 30%);
  }
  .meta,
  .duration {
    color: var(--_muted);
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  .cti-empty {
    padding: 10px;
    color: var(--_muted);
    font-size: 13px;
    text-align: center;
  }
  @media (prefers-reduced-motion: reduce) {
    summary::after {
      transition: none;
    }
  }
`;

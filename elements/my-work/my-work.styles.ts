import { css } from 'lit';

export const myWorkStyles = css`
  summary {
    white-space: nowrap;
  }
  .total {
    order: 1;
    margin-inline-start: auto;
    color: var(--_muted);
    font-size: 12px;
    font-weight: 400;
    font-variant-numeric: tabular-nums;
  }
  .body {
    display: grid;
    gap: 10px;
    padding: 0 12px 10px;
  }
  .figures {
    display: grid;
    grid-template-columns: repeat(2, minmax(0, 1fr));
    gap: 8px;
    margin: 0;
  }
  .figure {
    padding: 6px 8px;
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_surface);
  }
  dt,
  .detail,
  .kept,
  h3 {
    color: var(--_muted);
    font-size: 12px;
  }
  dd {
    margin: 0;
  }
  .value {
    font-size: 16px;
    font-weight: 650;
    font-variant-numeric: tabular-nums;
  }
  h3 {
    margin: 0;
    font-weight: 600;
  }
  .statuses {
    display: grid;
    gap: 2px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .statuses li {
    display: flex;
    gap: 8px;
    justify-content: space-between;
    font-size: 13px;
  }
  .statuses time {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .kept {
    margin: 0;
  }
  @media (prefers-reduced-motion: reduce) {
    summary::after {
      transition: none;
    }
  }
`;

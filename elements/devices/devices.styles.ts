import { css } from 'lit';

export const devicesStyles = css`
  .body {
    display: grid;
    gap: 8px;
    padding: 0 12px 10px;
  }
  label {
    display: grid;
    gap: 2px;
    color: var(--_muted);
    font-size: 12px;
  }
  select {
    min-inline-size: 0;
    padding: 4px 6px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 4px);
    background: var(--_bg);
    font-size: 13px;
  }
  .meter {
    block-size: 6px;
    border-radius: 3px;
    background: var(--_surface);
    overflow: hidden;
  }
  .meter > div {
    block-size: 100%;
    background: var(--_success);
    transition: inline-size 0.1s;
  }
  .message {
    font-size: 12px;
  }
  [role='alert'] {
    color: var(--_danger);
  }
  @media (prefers-reduced-motion: reduce) {
    summary::after,
    .meter > div {
      transition: none;
    }
  }
`;

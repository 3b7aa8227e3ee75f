import { css } from 'lit';

/** What the CTI elements share: a field with a status line, the refresh button and the inline error. */
export const ctiStyles = css`
  .cti-field {
    display: grid;
    /* A long caller ID description must not widen the card (min-content of the <select>). */
    grid-template-columns: minmax(0, 1fr);
    gap: 6px;
  }
  .cti-line {
    display: flex;
    align-items: center;
    gap: 6px;
    min-block-size: 28px;
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
  /* Retry and Dismiss go under the message: beside it they squeezed it into a column a word wide. */
  .cti-error {
    display: flex;
    flex-wrap: wrap;
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
  .cti-error > .alert-body {
    flex: 1 1 calc(100% - 26px);
  }
  .cti-error > .btn {
    margin-inline-start: auto;
  }
  .btn.small {
    min-block-size: 28px;
    padding: 0 8px;
    font-size: 12px;
  }
  @media (prefers-reduced-motion: reduce) {
    .refresh[aria-busy='true'] .icon {
      animation: none;
    }
  }
`;

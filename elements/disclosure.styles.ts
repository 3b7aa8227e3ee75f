import { css } from 'lit';

/**
 * The collapsible cards (`<details class="disclosure">`) of `<cc-recent-calls>` and `<cc-my-work>`:
 * a flex summary row with an icon and a chevron that turns when open.
 */
export const disclosureStyles = css`
  /* Children of <details> inherit from its built-in slots (content-box), not from the card. */
  .disclosure > * {
    box-sizing: border-box;
  }
  .disclosure {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  summary {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px;
    border-radius: var(--_radius);
    font-weight: 600;
    cursor: pointer;
  }
  summary .icon {
    color: var(--_muted);
  }
  summary::-webkit-details-marker {
    display: none;
  }
  /* A flex summary loses its disclosure triangle: this chevron shows open and closed instead. */
  summary::after {
    content: '';
    flex: none;
    inline-size: 10px;
    block-size: 6px;
    background: url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='6'%3E%3Cpath d='M1 1l4 4 4-4' fill='none' stroke='%236b7280' stroke-width='1.5'/%3E%3C/svg%3E")
      no-repeat;
    transition: transform 0.12s;
  }
  .disclosure[open] summary::after {
    transform: rotate(180deg);
  }
`;

import { css } from 'lit';

/**
 * What every cc-* element draws the same way: buttons (`.btn` and its variants, `.icon-btn`),
 * icons, focus rings, the avatar disc, code badges and alert text. One sheet shared by reference,
 * so splitting the workbench into elements does not copy these rules into each of them.
 */
export const controlsStyles = css`
  :host {
    display: block;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  h2,
  p {
    margin: 0;
  }
  .icon {
    inline-size: 18px;
    block-size: 18px;
    fill: currentColor;
    flex: none;
  }
  .icon.hangup {
    transform: rotate(135deg);
  }
  button,
  select,
  input {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.5;
  }
  /* Waiting for the network (a CTI change, a hold): still focusable, visibly unavailable. */
  [aria-disabled='true'] {
    cursor: progress;
    opacity: 0.6;
  }
  :is(button, select, input, summary):focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-block-size: 34px;
    padding: 0 12px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-weight: 600;
    font-size: 13px;
    white-space: nowrap;
    transition:
      background-color 0.12s,
      border-color 0.12s;
  }
  .btn:hover:not(:disabled) {
    background: var(--_surface);
  }
  .btn.primary,
  .btn.success,
  .btn.danger {
    border-color: transparent;
    color: #fff;
  }
  .btn.primary {
    background: var(--_primary);
  }
  .btn.success {
    background: var(--_success);
  }
  .btn.danger {
    background: var(--_danger);
  }
  .btn.primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_primary), #000 12%);
  }
  .btn.success:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_success), #000 12%);
  }
  .btn.danger:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_danger), #000 12%);
  }
  .btn.ghost {
    border-color: transparent;
    background: transparent;
    color: var(--_muted);
  }
  .btn.ghost:hover:not(:disabled) {
    color: var(--_text);
    background: color-mix(in srgb, var(--_surface), var(--_text) 5%);
  }
  .btn.block {
    inline-size: 100%;
    min-block-size: 40px;
  }
  .icon-btn {
    display: grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: inherit;
  }
  .icon-btn:hover {
    background: rgb(0 0 0 / 6%);
  }
  .avatar {
    display: grid;
    place-items: center;
    flex: none;
    inline-size: 36px;
    block-size: 36px;
    border-radius: 50%;
    background: color-mix(in srgb, var(--_primary), var(--_bg) 84%);
    /* Darker than the primary colour: initials on the tinted disc need 4.5:1. */
    color: color-mix(in srgb, var(--_primary), #000 20%);
    font-weight: 700;
    font-size: 13px;
  }
  .code {
    padding: 0 5px;
    border-radius: 4px;
    background: color-mix(in srgb, var(--_text), transparent 92%);
    font: 600 11px/16px ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    color: var(--_muted);
  }
  .field-label {
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
  }
  .alert-body {
    flex: 1;
    min-inline-size: 0;
  }
  .alert-title {
    font-weight: 650;
  }
  .alert-detail {
    margin-block-start: 2px;
    overflow-wrap: anywhere;
    color: var(--_text);
    font-size: 12px;
  }
  @media (prefers-reduced-motion: reduce) {
    .btn {
      transition: none;
    }
  }
`;

import { css } from 'lit';

export const dialpadStyles = css`
  :host {
    display: block;
    font-family: var(--_font);
    color: var(--_text);
  }
  [hidden] {
    display: none !important;
  }
  .base {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 12px;
    margin: 0;
  }
  .display {
    position: relative;
    display: flex;
    align-items: center;
    min-block-size: 48px;
    border-block-end: 1px solid var(--_border);
  }
  input {
    flex: 1;
    inline-size: 0;
    min-inline-size: 0;
    block-size: 48px;
    padding: 0 40px;
    border: 0;
    background: transparent;
    color: inherit;
    font: 500 24px/1 var(--_font);
    letter-spacing: 0.04em;
    text-align: center;
  }
  input::placeholder {
    color: var(--_muted);
    font-size: 15px;
    font-weight: 400;
    letter-spacing: 0;
  }
  input:focus {
    outline: none;
  }
  .field-error:not(:empty) {
    position: absolute;
    inset: auto 0 -18px;
    font-size: 12px;
    text-align: center;
    color: var(--_danger);
  }
  .display.invalid {
    margin-block-end: 18px;
    border-block-end-color: var(--_danger);
  }
  .display:focus-within {
    border-block-end-color: var(--_primary);
    box-shadow: 0 1px 0 var(--_primary);
  }
  .echo {
    flex: 1;
    font: 500 22px/48px ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    letter-spacing: 0.12em;
    text-align: center;
    overflow: hidden;
    white-space: nowrap;
    color: var(--_primary);
  }
  .echo:empty::before {
    content: attr(data-placeholder);
    color: var(--_muted);
    font: 400 14px/48px var(--_font);
    letter-spacing: 0;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }
  button:focus-visible {
    outline: 2px solid var(--_primary);
    outline-offset: 2px;
  }
  button:disabled {
    cursor: not-allowed;
  }
  .delete {
    position: absolute;
    inset-inline-end: 0;
    display: grid;
    place-items: center;
    inline-size: 36px;
    block-size: 36px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--_muted);
  }
  .delete:hover {
    background: var(--_surface);
    color: var(--_text);
  }
  .keys {
    display: grid;
    grid-template-columns: repeat(3, minmax(0, 1fr));
    gap: 8px;
  }
  .key {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    block-size: 52px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: var(--_radius);
    background: var(--_surface);
    transition: background-color 0.12s, transform 0.06s;
  }
  .key:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_surface), var(--_text) 7%);
  }
  .key:active:not(:disabled) {
    transform: scale(0.96);
    background: color-mix(in srgb, var(--_surface), var(--_text) 12%);
  }
  .key:disabled {
    opacity: 0.45;
  }
  .digit {
    font-size: 21px;
    font-weight: 500;
    line-height: 1.05;
  }
  .letters {
    min-block-size: 11px;
    font-size: 9.5px;
    font-weight: 600;
    letter-spacing: 0.14em;
    color: var(--_muted);
  }
  .call {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 8px;
    block-size: 44px;
    border: 0;
    border-radius: var(--_radius);
    background: var(--_success);
    color: #fff;
    font-weight: 600;
    font-size: 15px;
  }
  .call:hover:not(:disabled) {
    background: color-mix(in srgb, var(--_success), #000 12%);
  }
  .call:disabled {
    background: var(--_surface);
    color: var(--_muted);
  }
  .icon {
    inline-size: 20px;
    block-size: 20px;
    fill: currentColor;
    flex: none;
  }
  @media (prefers-reduced-motion: reduce) {
    .key {
      transition: none;
    }
  }
`;

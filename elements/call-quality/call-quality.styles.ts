import { css } from 'lit';

export const callQualityStyles = css`
  :host {
    display: block;
    font: 13px/1.4 var(--_font);
    color: var(--_text);
  }
  .meter {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    color: var(--_muted);
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  .bars {
    display: inline-flex;
    gap: 2px;
    align-items: flex-end;
    block-size: 12px;
  }
  .bars i {
    inline-size: 4px;
    border-radius: 1px;
    background: var(--_border);
  }
  .bars i:nth-child(1) {
    block-size: 5px;
  }
  .bars i:nth-child(2) {
    block-size: 8px;
  }
  .bars i:nth-child(3) {
    block-size: 12px;
  }
  [data-level='good'] i,
  [data-level='poor'] i:nth-child(-n + 2),
  [data-level='bad'] i:first-child {
    background: var(--_c);
  }
  [data-level='good'] {
    --_c: var(--_success);
  }
  [data-level='poor'] {
    --_c: var(--_warning);
  }
  [data-level='bad'] {
    --_c: var(--_danger);
  }
  /* The live region stays in the accessibility tree while empty (no display: none), so a
     screen reader announces the warning when it appears; empty, it takes no room. */
  [role='status'] {
    margin: 0;
  }
  .warning {
    margin-block-start: 4px;
    padding: 4px 8px;
    border-inline-start: 3px solid var(--_c);
    border-radius: 4px;
    background: var(--_surface);
  }
`;

import { css } from 'lit';

export const callerIdStyles = css`
  select {
    flex: 1;
    min-inline-size: 0;
    min-block-size: 34px;
    padding: 0 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-variant-numeric: tabular-nums;
  }
`;

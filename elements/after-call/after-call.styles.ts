import { css } from 'lit';

export const afterCallStyles = css`
  .after-call {
    display: grid;
    gap: 8px;
    padding: 14px;
    border: 1px solid color-mix(in srgb, var(--_warning), transparent 60%);
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_warning), var(--_bg) 92%);
  }
  .title {
    font-size: 15px;
    font-weight: 650;
  }
  .countdown {
    font-size: 13px;
    font-variant-numeric: tabular-nums;
  }
  .progress {
    block-size: 4px;
    overflow: hidden;
    border-radius: 2px;
    background: color-mix(in srgb, var(--_warning), transparent 75%);
  }
  .progress span {
    display: block;
    block-size: 100%;
    background: var(--_warning);
    transition: inline-size 1s linear;
  }
  .btn {
    margin-block-start: 4px;
  }
  @media (prefers-reduced-motion: reduce) {
    .progress span {
      transition: none;
    }
  }
`;

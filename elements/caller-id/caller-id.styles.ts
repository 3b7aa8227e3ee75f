import { css } from 'lit';

export const callerIdStyles = css`
  /*
   * The refresh button sits in the label's row, so the select takes the field's whole width: a
   * number with its description ("+8657188000002 · Shanghai") still reads in full at the
   * workbench's minimum width (300px). The line box lets its children join the field's grid.
   */
  .cti-field {
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: center;
  }
  .cti-line {
    display: contents;
  }
  .field-label {
    grid-area: 1 / 1;
  }
  /* Taller than the label: the negative margin keeps the row as high as the label alone. */
  .refresh {
    grid-area: 1 / 2;
    margin-block: -6px;
  }
  select,
  .cti-error {
    grid-column: 1 / -1;
  }
  select {
    min-inline-size: 0;
    min-block-size: 34px;
    padding: 0 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    font-variant-numeric: tabular-nums;
    /* A description longer than that is cut with an ellipsis, never past the card. */
    text-overflow: ellipsis;
  }
`;

import type { CcErrorInfo, ErrorCode } from '../machines/agent-types.js';

/**
 * The rejection value of every phone command: an Error that also carries the reference SDK's
 * `{ errorCode, errorMsg }` fields.
 */
export class CcError extends Error implements CcErrorInfo {
  readonly errorCode: ErrorCode;
  readonly errorMsg: string;
  readonly command?: string;
  readonly sipCode?: number;
  readonly apiName?: string;
  readonly apiCode?: string;
  readonly requestId?: string;

  constructor(info: CcErrorInfo) {
    super(info.errorMsg);
    this.name = 'CcError';
    this.errorCode = info.errorCode;
    this.errorMsg = info.errorMsg;
    if (info.command !== undefined) this.command = info.command;
    if (info.sipCode !== undefined) this.sipCode = info.sipCode;
    if (info.apiName !== undefined) this.apiName = info.apiName;
    if (info.apiCode !== undefined) this.apiCode = info.apiCode;
    if (info.requestId !== undefined) this.requestId = info.requestId;
  }

  /** Plain `{ errorCode, errorMsg, ... }` copy, for events and logs. */
  toJSON(): CcErrorInfo {
    const { errorCode, errorMsg, command, sipCode, apiName, apiCode, requestId } = this;
    return {
      errorCode,
      errorMsg,
      ...(command === undefined ? {} : { command }),
      ...(sipCode === undefined ? {} : { sipCode }),
      ...(apiName === undefined ? {} : { apiName }),
      ...(apiCode === undefined ? {} : { apiCode }),
      ...(requestId === undefined ? {} : { requestId }),
    };
  }
}

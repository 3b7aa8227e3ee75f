// @ts-nocheck -- the reference's JavaScript as printed: its empty handlers name parameters they never read, which this project's TypeScript settings (noUnusedParameters) refuse.
/**
 * The usage examples of reference 002 (phone-sdk 0.2.6, /work/shared/reference/002_*.txt), copied
 * as they are printed. Allowed harness edits, each named where it is made:
 * - a wrapper function that supplies what a snippet uses but never defines: `agent` (no snippet
 *   makes it), `phoneAgent`, `userName`, `service` (L73), `groupIds`, `phoneNum`, `group`,
 *   `agentId`, and the `this` of the `onGetOrgAgtgrps` example (a Vue component's, in the reference);
 * - value substitutions: the credentials and server address of the `connect` example (L91-93);
 * - the import of L71 (`import Agent, { VENDOR_TYPE } from './api/src/index'`) is the test file's
 *   import of the facade (a path substitution).
 * No syntax fixes were needed.
 */

/** L73. Wrapper supplies `phoneAgent`, `userName`, `password`, `service`. */
export function apiImportExample(phoneAgent, userName, password, service) {
  phoneAgent.connect(userName, password, service)
}

/** L91-94. Values substituted: 'userCode', 'password', 'url' -> the account's user, password and the CTI address. */
export function connectExample(agent, account) {
  const userCode = account.userCode
  const password = account.password
  const url = account.url
  agent.connect(userCode, password, url)
}

/** L105. */
export function checkInExample(agent, groupIds) {
  agent.checkIn(groupIds)
}

/** L116. */
export function checkOutExample(agent) {
  agent.checkOut()
}

/** L127. */
export function dialoutExample(agent, phoneNum) {
  agent.dialout(phoneNum)
}

/** L138. */
export function transGroupDtmfExample(agent, group) {
  agent.transGroupDTMF(group)
}

/** L158 (passes the object named `agent`: the agent itself). */
export function pauseExample(agent) {
  agent.pause(agent)
}

/** L169. */
export function restoreExample(agent, agentId) {
  agent.restore(agentId)
}

/** L180. */
export function holdExample(agent) {
  agent.hold()
}

/** L191. */
export function retrieveExample(agent) {
  agent.retrieve()
}

/** L208. */
export function listenExample(agent, agentId) {
  agent.listen(agentId)
}

/** L221. */
export function joinTalkExample(agent, agentId) {
  agent.joinTalk(agentId)
}

/**
 * Every listener example of the events section (L244-532) except `onGetOrgAgtgrps`, in the
 * document's order (both `onCallOutRing` sections listen to 'onCallInRing', as printed).
 */
export function listenerExamples(agent) {
agent.on('onCheckIn', checkInfo => {
    
})
agent.on('onCheckOut', checkInfo => {
    
})
agent.on('onCallInRing', ringInfo => {
    
})
agent.on('onCallInRing', res => {
    
})
agent.on('onThreePartCallInRing', () => {
    
})
agent.on('onThreePartCallOutRing', () => {
    
})
agent.on('onCallout', () => {
    
})
agent.on('onInCall', () => {
    
})
agent.on('onCallInRing', res => {
    
})
agent.on('onCallIn', callInfo => {
    
})
agent.on('onCallOut', callInfo => {
    
})
agent.on('onIdle', callInfo => {
    
})
agent.on('onDisconnect', callInfo => {
    
})
agent.on('onDialOver', message => {
    
})
agent.on('onThreePart', message => {
    
})
agent.on('onPause', pauseInfo => {
    
})
agent.on('onRestore', restoreInfo => {
    
})
agent.on('onHold', holdInfo => {
    
})
agent.on('onRetrieve', () => {
    
})
agent.on('onGetAgtGroups',groups => {

 })
 agent.on('onAllAgtInfo', groups => {
                  
    })
agent.on('onGetAgentRights', rights => {
    
})
}

/** L490-493. Call with the `this` the snippet writes to (`orgGroupsExample.call(vm, agent)`). */
export function orgGroupsExample(agent) {
agent.on('onGetOrgAgtgrps', groups => {
            let list = [] //转接组的DTMF。
        this.allTransGroupList = list.concat(groups)
 })
}

'use strict';
/**
 * Snippet syntax for undefined steps: one short snippet (the first generated expression) instead of one line per
 * way the step's words could be read as parameters; the "did you mean" formatter names the closest defined steps.
 */
class RoamsimSnippetSyntax {
  build({ functionName, generatedExpressions, stepParameterNames }) {
    const first = generatedExpressions[0] || { source: '', parameterNames: [] };
    const source = first.source.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
    const names = [...first.parameterNames, ...stepParameterNames];
    return `${functionName}('${source}', async function (${names.join(', ')}) {\n  // this.roaming is the typed World API (README: "Custom steps")\n});`;
  }
}
module.exports = RoamsimSnippetSyntax;
module.exports.default = RoamsimSnippetSyntax;

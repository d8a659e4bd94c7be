/**
 * core/numbering: who serves a number (docs/operators.md). The regulator's numbering plan (ranges and their
 * holders, longest prefix wins), the portability base (numbers that moved to another operator), and the answer
 * routing needs: the ported operator if any, else the range's. Pure, in memory, nothing allocated per lookup.
 */
export { digitsOf, numberKey } from './keys.ts';
export { NumberingPlan, type NumberRange, type PlanProblem } from './numbering-plan.ts';
export { PortabilityBuilder, PortabilityMap, portCallingCode } from './portability.ts';
export { OperatorDirectory, UNKNOWN_OPERATOR, type OperatorAnswer, type OperatorOf, type OperatorSource } from './operator-of.ts';
export { e164Digits, isoDate, isPortHeader, parsePortLine, parseRangeRow, portKey, rangeColumns, type Parsed, type PortLine, type RangeColumn, type RangeRow } from './files.ts';

export {
  BacktestWindowError,
  backtestWindow,
  planBacktest,
  runBacktest,
  type AlarmResult,
  type BacktestOptions,
  type BacktestPlan,
  type BacktestReport,
  type ContributorResult,
} from "./backtest.js";
export type { Episode } from "./episodes.js";

/**
 * The contract between the metrics of independent testing (`metrics.ts`, pure functions) and the
 * service that stores datasets and runs (`service.ts`). Labels and predictions come in case order.
 */

/** binary: two labels, one of them positive; multiclass: ≥ 3 labels; score: a number per case thresholded against a binary reference. */
export type TaskType = 'binary' | 'multiclass' | 'score';

export interface MetricInput {
  task: TaskType;
  /** The reference label of each case (for `score`, the binary reference label). */
  reference: string[];
  /** The vendor's answer per case, same order: a label (binary, multiclass) or a number (score). */
  predictions: Array<string | number>;
  /** The labels the dataset declares, in the dataset's order. */
  labels: string[];
  /** binary and score: which label is the positive class. */
  positiveLabel?: string;
  /** score: the operating threshold declared by the vendor (a score ≥ threshold is positive); absent: the Youden point is reported. */
  threshold?: number;
  /** Subgroup attributes per case: attribute name → value per case (same order); missing value as null. */
  subgroups?: Record<string, Array<string | null>>;
  /** Subgroups with fewer cases are not reported (only named, with their size). Default 30. */
  minSubgroupSize?: number;
  /** Confidence level; default 0.95. */
  confidence?: number;
}

/** An estimate with its interval, as a model card prints it (`estimate_ci`). */
export interface Estimate {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  /** e.g. "wilson", "delong", "bootstrap-stratified(seed=…, n=…)". */
  method: string;
  /** The count the estimate is over (e.g. positives for sensitivity). */
  n: number;
}

export interface ConfusionCounts { tp: number; fp: number; tn: number; fn: number }

export interface MetricSet {
  n: number;
  prevalence: number | null;
  accuracy: Estimate;
  /** binary and score (at the operating point). */
  confusion?: ConfusionCounts;
  sensitivity?: Estimate;
  specificity?: Estimate;
  ppv?: Estimate;
  npv?: Estimate;
  /** score only. */
  auc?: Estimate;
  operatingPoint?: { threshold: number; chosenBy: 'declared' | 'youden' };
  /** score only, scores taken as probabilities in [0, 1]; null when scores are outside [0, 1]. */
  brier?: number | null;
  /** mean predicted probability minus observed prevalence; null when scores are outside [0, 1]. */
  calibrationInTheLarge?: number | null;
  /** multiclass: one-vs-rest sensitivity and PPV per label. */
  perClass?: Array<{ label: string; sensitivity: Estimate; ppv: Estimate }>;
}

export interface SubgroupResult { attribute: string; value: string; n: number; metrics: MetricSet }

export interface MetricReport {
  overall: MetricSet;
  subgroups: SubgroupResult[];
  /** Subgroups below the minimum size: named with their size, never with figures. */
  suppressed: Array<{ attribute: string; value: string; n: number }>;
  confidence: number;
}

export type ComputeMetrics = (input: MetricInput) => MetricReport;

//! MRPC (../shared/data/mrpc): the sentence judgment as a paraphrase
//! classifier, fitted on train and scored on test. Guards against regressions
//! of the figures reported in eval/results and bench/RESULTS.md.

mod common;

use common::shared;

#[test]
fn sentence_judgment_beats_the_lexical_baseline_on_mrpc() {
    let Some(dir) = shared("data/mrpc") else { return };
    let result =
        stemma_eval::mrpc(&dir.join("msr_paraphrase_train.txt"), &dir.join("msr_paraphrase_test.txt")).unwrap();
    assert_eq!((result.train_pairs, result.test_pairs), (4076, 1725));
    assert!(result.test.accuracy >= 0.75 && result.test.f1 >= 0.82, "test scores fell: {:?}", result.test);
    assert!(
        result.test.accuracy > result.similarity_only_test.accuracy + 0.02,
        "features must add to similarity alone"
    );
}

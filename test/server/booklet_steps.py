# The booklet's Python steps, run by H2O's own client (../shared/clients/h2o-py) against a started
# `tide serve`. Driven by python_client_test.ts: argv = server URL, data folder. Asserts as it goes;
# the last line is "RESULT <json>" with values the TypeScript side compares to the library's.
import json
import os
import sys
from urllib.parse import urlparse

import h2o
from h2o.estimators.deeplearning import H2ODeepLearningEstimator
from h2o.exceptions import H2OResponseError, H2OServerError

url, data = sys.argv[1], sys.argv[2]
out = {}

u = urlparse(url)
h2o.init(ip=u.hostname, port=u.port)  # strict version check: the server reports the client's version
assert h2o.cluster().cloud_name == "tide"

# Frames: import a local path, describe, names, nrow, types, head, asfactor, split, columns.
fr = h2o.import_file(os.path.join(data, "data.csv"))
assert fr.names == ["x1", "x2", "k", "label"], fr.names
assert fr.nrow == 120 and fr.ncol == 4
assert fr.types == {"x1": "real", "x2": "real", "k": "int", "label": "enum"}, fr.types
fr.describe()
assert fr.head(rows=3).nrow == 3
fr["k"] = fr["k"].asfactor()
assert fr.types["k"] == "enum", fr.types
tr, te = fr.split_frame([0.75], seed=1234)
out["split"] = [tr.nrow, te.nrow]
sub = fr[["x1", "label"]]
assert sub.names == ["x1", "label"] and sub.nrow == 120
assert fr[fr["x1"] > 1.5, :].nrow == 40
assert fr[4, "label"] == "b"
rows = fr.as_data_frame(use_pandas=False)
assert rows[0] == ["x1", "x2", "k", "label"] and len(rows) == 121
parts = h2o.import_file(os.path.join(data, "parts"), pattern=r".*\.csv$")
assert parts.nrow == 15, parts.nrow
web = h2o.import_file(os.environ["TIDE_TEST_WEB_URL"])
assert web.nrow == 30
up = h2o.upload_file(os.path.join(data, "data.csv"))
assert up.nrow == 120
assert h2o.get_frame("no_such_frame") is None

# Training with a validation frame, then every accessor the booklet uses.
m = H2ODeepLearningEstimator(hidden=[8, 8], epochs=3, seed=1, reproducible=True, model_id="booklet_dl")
m.train(x=["x1", "x2", "k"], y="label", training_frame=tr, validation_frame=te)
print(m)
out["valid_logloss"] = m.logloss(valid=True)
out["valid_mse"] = m.mse(valid=True)
out["train_mse"] = m.model_performance(train=True).mse()
assert abs(m.model_performance(valid=True).mse() - out["valid_mse"]) < 1e-12
test_perf = m.model_performance(test_data=te)
out["test_mse"] = test_perf.mse()
cm = m.model_performance(valid=True).confusion_matrix()
assert cm.col_header[:3] == ["a", "b", "c"], cm.col_header
sh = m.scoring_history()
assert len(sh.cell_values) == 4, sh.cell_values
assert len(m.varimp()) >= 3
assert m.params["hidden"]["actual"] == [8, 8], m.params["hidden"]
assert m.actual_params["training_frame"] == tr.frame_id
pred = m.predict(te)
h2o.export_file(pred, os.path.join(data, "pred.csv"), force=True)
with open(os.path.join(data, "pred.csv")) as f:
    assert f.readline().strip() == '"predict","a","b","c"'
try:
    h2o.export_file(pred, "/etc/tide_pred.csv", force=True)
    raise AssertionError("exported outside the data folder")
except H2OServerError as e:  # 403: the client raises H2OServerError for statuses other than 400/404/412
    assert "outside the server's data folders" in str(e), str(e)
assert pred.names == ["predict", "a", "b", "c"], pred.names
assert pred.nrow == te.nrow
out["pred_head"] = pred.as_data_frame(use_pandas=False)[1][0]

# Checkpoint restart: more epochs on the stored model; the history continues.
ck = H2ODeepLearningEstimator(hidden=[8, 8], epochs=6, seed=1, reproducible=True, checkpoint="booklet_dl", model_id="booklet_ckpt")
ck.train(x=["x1", "x2", "k"], y="label", training_frame=tr, validation_frame=te)
epochs = list(ck.scoring_history()["epochs"])
assert epochs[0] == 0 and abs(epochs[-1] - 6) < 1e-9, epochs

# Cross-validation: metrics, the summary table, fold models.
cv = H2ODeepLearningEstimator(hidden=[8], epochs=2, nfolds=3, seed=1, reproducible=True, model_id="booklet_cv")
cv.train(x=["x1", "x2", "k"], y="label", training_frame=tr)
summary = cv.cross_validation_metrics_summary()
assert [c for c in summary.col_header][:3] == ["", "mean", "sd"], summary.col_header
out["xval_logloss"] = cv.logloss(xval=True)
assert h2o.get_model("booklet_cv_cv_2").model_id == "booklet_cv_cv_2"

# Grid search: Cartesian, sorted two ways, and RandomDiscrete with a budget.
from h2o.grid.grid_search import H2OGridSearch
grid = H2OGridSearch(H2ODeepLearningEstimator(epochs=1, seed=1), hyper_params={"hidden": [[4], [8, 8]], "l1": [0, 1e-4]}, grid_id="booklet_grid")
grid.train(x=["x1", "x2", "k"], y="label", training_frame=tr, validation_frame=te)
assert len(grid.models) == 4
by_mse = grid.get_grid(sort_by="mse", decreasing=True)
mses = [m.mse(valid=True) for m in by_mse.models]
assert mses == sorted(mses, reverse=True), mses
rnd = H2OGridSearch(H2ODeepLearningEstimator(epochs=1), hyper_params={"l1": [0, 1e-6, 1e-5, 1e-4]},
                    search_criteria={"strategy": "RandomDiscrete", "max_models": 2, "seed": 7})
rnd.train(x=["x1", "x2", "k"], y="label", training_frame=tr)
assert len(rnd.models) == 2
assert len(h2o.get_grid("booklet_grid").models) == 4

# Autoencoders: training without a response, printing and metrics, anomaly (mean and per feature),
# deep features, the reconstruction as predict, and a supervised start from its weights by model id.
from h2o.estimators.deeplearning import H2OAutoEncoderEstimator
ae = H2OAutoEncoderEstimator(hidden=[4, 2, 4], activation="Tanh", epochs=2, seed=1, reproducible=True, model_id="booklet_ae")
ae.train(x=["x1", "x2", "k"], training_frame=tr)
assert type(ae).__name__ == "H2OAutoEncoderEstimator" and ae._model_json["output"]["model_category"] == "AutoEncoder"
assert ae._model_json["response_column_name"] is None
print(ae)
out["ae_train_mse"] = ae.mse()
ae_test = ae.model_performance(test_data=te)
assert type(ae_test).__name__ == "H2OAutoEncoderModelMetrics" or ae_test._metric_json["model_category"] == "AutoEncoder"
out["ae_test_mse"] = ae_test.mse()
def column(frame, j=0):
    rows = frame.as_data_frame(use_pandas=False)
    return rows[0][j], [float(r[j]) for r in rows[1:]]
err = ae.anomaly(te)
assert err.names == ["Reconstruction.MSE"] and err.nrow == te.nrow, err.names
out["ae_anomaly"] = column(err)[1]
se = ae.anomaly(te, per_feature=True)
out["ae_per_feature_names"] = se.names
out["ae_per_feature_0"] = column(se, 0)[1]
df = ae.deepfeatures(te, 1)
out["ae_deepfeatures_names"] = df.names
out["ae_deepfeatures_1"] = column(df, 1)[1]
rec = ae.predict(te)
out["ae_predict_names"] = rec.names
out["ae_predict_0"] = column(rec, 0)[1]
try:
    ae.deepfeatures(te, 3)
    raise AssertionError("deepfeatures of hidden layer 3 of 3 worked")
except H2OResponseError as e:
    assert "deep_features_hidden_layer" in str(e), str(e)
try:
    h2o.api("POST /3/Predictions/models/booklet_ckpt/frames/%s" % te.frame_id, data={"reconstruction_error": True})
    raise AssertionError("a supervised model gave reconstruction errors")
except H2OResponseError as e:
    assert "not an autoencoder" in str(e), str(e)
sup = H2ODeepLearningEstimator(hidden=[4, 2, 4], activation="Tanh", epochs=2, seed=1, reproducible=True,
                               pretrained_autoencoder="booklet_ae", model_id="booklet_pretrained")
sup.train(x=["x1", "x2", "k"], y="label", training_frame=tr)
assert sup.params["pretrained_autoencoder"]["actual"]["name"] == "booklet_ae", sup.params["pretrained_autoencoder"]
out["pretrained_logloss"] = sup.logloss()
try:
    H2ODeepLearningEstimator(hidden=[4], epochs=1, pretrained_autoencoder="no_such_ae").train(y="label", training_frame=tr)
    raise AssertionError("an unknown pretrained_autoencoder trained")
except H2OResponseError as e:
    assert "pretrained_autoencoder" in str(e), str(e)

# Errors come back per field as the client's own exception.
try:
    H2ODeepLearningEstimator(hidden=[8, 0], epochs=1).train(y="label", training_frame=tr)
    raise AssertionError("hidden=[8, 0] trained")
except H2OResponseError as e:
    assert "hidden" in str(e), str(e)
try:
    H2ODeepLearningEstimator(epochs=1, elastic_averaging=True).train(y="label", training_frame=tr)
    raise AssertionError("elastic_averaging trained")
except H2OResponseError as e:
    assert "elastic_averaging" in str(e), str(e)

# Lifecycle: save, remove, load, get, then shut down.
path = h2o.save_model(m, path=data, force=True)
assert os.path.exists(path)
h2o.remove(m)
try:
    h2o.get_model("booklet_dl")
    raise AssertionError("the removed model is still there")
except H2OResponseError:
    pass
loaded = h2o.load_model(path)
assert loaded.model_id == "booklet_dl"
got = h2o.get_model("booklet_dl")
assert abs(got.logloss(valid=True) - out["valid_logloss"]) < 1e-12
te_id = te.frame_id
h2o.remove(te)
assert h2o.get_frame(te_id) is None
print("RESULT " + json.dumps(out))
h2o.cluster().shutdown()

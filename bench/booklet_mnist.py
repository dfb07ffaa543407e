# The booklet's MNIST trial run, through H2O's own Python client, against `tide serve`.
# argv: server URL, train.csv.gz, test.csv.gz, epochs. Prints "STEP <name> <seconds>" per step and
# "RESULT <json>" at the end (driven by bench/serve_booklet.ts).
import json, sys, time
import h2o
from h2o.estimators.deeplearning import H2ODeepLearningEstimator

url, train_path, test_path, epochs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
t = time.time()
def step(name):
    global t
    now = time.time()
    print("STEP %s %.3f" % (name, now - t), flush=True)
    t = now

h2o.init(url=url); step("init")
train = h2o.import_file(train_path); test = h2o.import_file(test_path); step("import")
y = "C785"; x = train.names[0:784]
train[y] = train[y].asfactor(); test[y] = test[y].asfactor()
train.describe(); step("asfactor+describe")
model = H2ODeepLearningEstimator(distribution="multinomial", activation="RectifierWithDropout", hidden=[32, 32, 32],
                                 input_dropout_ratio=0.2, sparse=True, l1=1e-5, epochs=epochs, seed=1, reproducible=True)
model.train(x=x, y=y, training_frame=train, validation_frame=test); step("train")
print(model)
perf = model.model_performance(valid=True)
err = perf.confusion_matrix().cell_values[-1][-2]
step("report")
pred = model.predict(test); pred.head(); step("predict")
train_ms = model._model_json["output"]["run_time"]
print("RESULT " + json.dumps({"valid_logloss": perf.logloss(), "valid_error": err, "valid_mse": perf.mse(), "train_ms": train_ms}))
h2o.cluster().shutdown()

# A grid through H2O's own client survives a restart of `tide serve --store`. Driven by
# python_client_test.ts: argv = server URL, data folder, phase ("build" or "reload").
# The last line is "RESULT <json>": the grid's model ids as get_grid orders them.
import json
import os
import sys

import h2o
from h2o.estimators.deeplearning import H2ODeepLearningEstimator
from h2o.grid.grid_search import H2OGridSearch

url, data, phase = sys.argv[1], sys.argv[2], sys.argv[3]
h2o.connect(url=url, verbose=False)
if phase == "build":
    fr = h2o.import_file(os.path.join(data, "data.csv"))
    grid = H2OGridSearch(H2ODeepLearningEstimator(epochs=1, seed=1), hyper_params={"hidden": [[3], [5]]}, grid_id="kept_grid")
    grid.train(x=["x1", "x2", "k"], y="label", training_frame=fr)
    got = h2o.get_grid("kept_grid").get_grid(sort_by="mse")
    h2o.cluster().shutdown()
else:
    got = h2o.get_grid("kept_grid").get_grid(sort_by="mse")
    assert len(got.models) == 2, got.models
    assert got.models[0].mse() is not None
print("RESULT " + json.dumps({"ids": [m.model_id for m in got.models], "hidden": [m.actual_params["hidden"] for m in got.models]}))

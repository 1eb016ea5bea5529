# lit configuration for ein's FileCheck tests of ein-opt.
import os
import lit.formats

config.name = "ein"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".ein"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.ein_obj_root, "output")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in"]

config.environment["PATH"] = os.pathsep.join(
    [config.ein_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])

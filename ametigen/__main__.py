from ametigen.cli import entry

entry()

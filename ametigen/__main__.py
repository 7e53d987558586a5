from ametigen.cli import main

main()

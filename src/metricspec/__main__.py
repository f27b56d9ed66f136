from metricspec.cli import main

main()

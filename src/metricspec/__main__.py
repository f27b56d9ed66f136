from metricspec.entry import main

main()

from acw_tui.launch import main

main()

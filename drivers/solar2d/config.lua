-- netconform device driver: a plain portrait screen for the status text.
application = {
  content = {
    width = 320,
    height = 480,
    scale = "letterbox",
    fps = 60,
  },
}

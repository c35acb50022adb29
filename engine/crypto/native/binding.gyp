{
  "targets": [
    {
      "target_name": "aes_gcm",
      "sources": ["aes-gcm.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [
        ["OS=='linux'", { "ldflags": ["-Wl,-z,now"] }]
      ]
    }
  ]
}

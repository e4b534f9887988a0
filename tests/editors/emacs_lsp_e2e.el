;;; emacs_lsp_e2e.el --- Emacs/lsp-mode end-to-end script for test_emacs_lsp_mode_e2e.py  -*- lexical-binding: t; -*-

;; Run as: emacs --batch -L <editors/emacs> -l emacs_lsp_e2e.el
;; Inputs (environment): DOCKERLS_E2E_FILE, DOCKERLS_E2E_OUT, DOCKERLS_E2E_CMD (JSON array).
;; Each capability is recorded under its own key (with "error" when the step failed).  Every
;; wait is bounded.  The project folder is registered up front: lsp-mode would ask for it.

(require 'cl-lib)
(require 'json)
(require 'package)
(package-initialize)
(unless (require 'dockerfile-mode nil t)
  (define-derived-mode dockerfile-mode prog-mode "Dockerfile"
    "Minimal stand-in for dockerfile-mode (the package is not installed).")
  (add-to-list 'auto-mode-alist '("/Dockerfile\\(?:\\.[^/\\]*\\)?\\'" . dockerfile-mode)))

(setq lsp-session-file (expand-file-name "lsp-session" (getenv "HOME"))
      lsp-diagnostics-provider :none    ; diagnostics are read from lsp-mode's own table
      lsp-enable-file-watchers nil
      lsp-headerline-breadcrumb-enable nil
      lsp-modeline-code-actions-enable nil
      lsp-modeline-diagnostics-enable nil
      lsp-lens-enable nil
      lsp-restart 'ignore
      lsp-keep-workspace-alive nil
      lsp-enable-snippet nil)
(require 'lsp-mode)
(require 'lsp-dockerls)

(defvar e2e-result (make-hash-table :test #'equal))
(defvar e2e-wait-seconds (string-to-number (or (getenv "DOCKERLS_E2E_WAIT_S") "30")))
(defvar e2e-buffer nil)
(defvar e2e-file (getenv "DOCKERLS_E2E_FILE"))

(defun e2e-wait (pred)
  "Wait up to `e2e-wait-seconds' for PRED, pumping process output; return its value."
  (let ((deadline (+ (float-time) e2e-wait-seconds)) (val nil))
    (while (and (not (setq val (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    val))

(defmacro e2e-step (name &rest body)
  "Run BODY with `r' bound to the step's result table; record errors instead of aborting."
  (declare (indent 1))
  `(let ((r (make-hash-table :test #'equal)))
     (puthash ,name r e2e-result)
     (condition-case err
         (progn ,@body)
       (error (puthash "error" (format "%S" err) r)))))

(defun e2e-workspace ()
  (with-current-buffer e2e-buffer
    (cl-find-if (lambda (w) (eq (lsp--workspace-status w) 'initialized)) (lsp-workspaces))))

(defun e2e-diagnostics ()
  "The diagnostics lsp-mode holds for the file (`lsp-diagnostics' reads the current workspace)."
  (with-current-buffer e2e-buffer
    (gethash (lsp--fix-path-casing e2e-file) (lsp-diagnostics t))))

(defun e2e-goto (line character)
  (goto-char (point-min))
  (forward-line line)
  (forward-char character))

(e2e-step "attach"
  (let ((cmd (json-parse-string (getenv "DOCKERLS_E2E_CMD") :array-type 'list))
        (root (file-name-directory e2e-file)))
    (setq dockerls-server-command cmd)
    (lsp-workspace-folders-add root)
    (setq e2e-buffer (find-file-noselect e2e-file))
    (with-current-buffer e2e-buffer
      (puthash "major_mode" (symbol-name major-mode) r)
      (lsp)
      (let ((ws (e2e-wait #'e2e-workspace)))
        (puthash "attached" (if ws t :false) r)
        (when ws
          (puthash "server_id" (symbol-name (lsp--client-server-id (lsp--workspace-client ws))) r)
          (puthash "hover_provider" (if (lsp--capability "hoverProvider") t :false) r)
          (puthash "command" (vconcat (process-command (lsp--workspace-cmd-proc ws))) r))))))

(e2e-step "diagnostics"
  (cl-assert (e2e-workspace) nil "no server")
  (let ((diags (e2e-wait #'e2e-diagnostics)))
    (puthash "items"
             (vconcat (mapcar (lambda (d)
                                (let ((h (make-hash-table :test #'equal)))
                                  (puthash "code" (format "%s" (lsp:diagnostic-code? d)) h)
                                  (puthash "source" (or (lsp:diagnostic-source? d) :null) h)
                                  (puthash "line" (lsp:position-line (lsp:range-start (lsp:diagnostic-range d))) h)
                                  h))
                              diags))
             r)))

(e2e-step "hover"
  (cl-assert (e2e-workspace) nil "no server")
  (with-current-buffer e2e-buffer
    (e2e-goto 0 1)
    (let* ((hover (lsp-request "textDocument/hover" (lsp--text-document-position-params)))
           (contents (and hover (lsp:hover-contents hover))))
      (puthash "text" (cond ((null contents) :null)
                            ((stringp contents) contents)
                            ((hash-table-p contents) (or (gethash "value" contents) ""))
                            (t (format "%S" contents)))
               r))))

(e2e-step "completion"
  (cl-assert (e2e-workspace) nil "no server")
  (with-current-buffer e2e-buffer
    (goto-char (point-max))
    (let* ((result (lsp-request "textDocument/completion" (lsp--text-document-position-params)))
           (items (if (hash-table-p result) (gethash "items" result) result)))
      (puthash "labels" (vconcat (mapcar (lambda (i) (gethash "label" i)) items)) r))))

(e2e-step "code_action"
  (cl-assert (e2e-workspace) nil "no server")
  (with-current-buffer e2e-buffer
    (let* ((maintainer (cl-find-if (lambda (d) (equal (format "%s" (lsp:diagnostic-code? d)) "DL4000"))
                                   (e2e-diagnostics)))
           (line (lsp:position-line (lsp:range-start (lsp:diagnostic-range maintainer)))))
      (e2e-goto line 0)
      (let ((actions (lsp-code-actions-at-point)))
        (puthash "titles" (vconcat (mapcar #'lsp:code-action-title actions)) r)
        (let ((fix (cl-find-if (lambda (a) (string-match-p "LABEL" (lsp:code-action-title a))) actions)))
          (when fix
            (lsp-execute-code-action fix)
            (puthash "line_after" (buffer-substring-no-properties
                                   (progn (e2e-goto line 0) (point)) (line-end-position))
                     r)))))))

(e2e-step "compose"
  ;; The Compose file beside the Dockerfile: the same workspace takes it, the typo'd target
  ;; gets a diagnostic, and the other service's target leads to the stage.
  (cl-assert (e2e-workspace) nil "no server")
  (let* ((file (expand-file-name "compose.yaml" (file-name-directory e2e-file)))
         (buffer (find-file-noselect file)))
    (with-current-buffer buffer
      (puthash "major_mode" (symbol-name major-mode) r)
      (lsp)
      (puthash "same_workspace"
               (if (e2e-wait (lambda () (memq (e2e-workspace) (lsp-workspaces)))) t :false) r)
      (let ((typo (lambda ()
                    (cl-find-if (lambda (d) (equal (format "%s" (lsp:diagnostic-code? d))
                                                   "UnknownBuildTarget"))
                                (gethash (lsp--fix-path-casing file) (lsp-diagnostics t))))))
        (let ((found (e2e-wait typo)))
          (puthash "typo_line"
                   (if found (lsp:position-line (lsp:range-start (lsp:diagnostic-range found)))
                     :null)
                   r)))
      (e2e-goto (string-to-number (getenv "DOCKERLS_E2E_TARGET_LINE"))
                (string-to-number (getenv "DOCKERLS_E2E_TARGET_COL")))
      (let* ((result (lsp-request "textDocument/definition" (lsp--text-document-position-params)))
             (locs (if (hash-table-p result) (list result) (append result nil))))
        (puthash "locations"
                 (vconcat (mapcar (lambda (loc)
                                    (let ((h (make-hash-table :test #'equal))
                                          (start (lsp:range-start (lsp:location-range loc))))
                                      (puthash "uri" (lsp:location-uri loc) h)
                                      (puthash "line" (lsp:position-line start) h)
                                      (puthash "character" (lsp:position-character start) h)
                                      h))
                                  locs))
                 r)
        (puthash "dockerfile_lines"
                 (vconcat (with-current-buffer e2e-buffer (split-string (buffer-string) "\n")))
                 r))
      ;; hover on the same target: the stage it builds
      (let* ((hover (lsp-request "textDocument/hover" (lsp--text-document-position-params)))
             (contents (and hover (lsp:hover-contents hover))))
        (puthash "hover"
                 (if (hash-table-p contents) (lsp:markup-content-value contents) :null)
                 r)))))

(with-temp-file (getenv "DOCKERLS_E2E_OUT")
  (insert (json-serialize e2e-result)))
(ignore-errors (with-current-buffer e2e-buffer (lsp-workspace-shutdown (e2e-workspace))))
(kill-emacs 0)
;;; emacs_lsp_e2e.el ends here

@echo off
rem chulgo (chulgo.bat) - double-click: runs today's work (uv run run.py daily) in this folder.
rem Saved as UTF-8 without BOM, CRLF line ends; "chcp 65001" makes the Korean lines below show right
rem (the lines before it are ASCII). Any arguments go to run.py instead of "daily": chulgo.bat status
chcp 65001 >nul
setlocal
cd /d "%~dp0"

rem Pause at the end only when started by a double-click (Explorer runs "cmd /c ..."), not from a prompt.
setlocal EnableDelayedExpansion
set "CMDLINE=!cmdcmdline!"
set "CLICKED=0"
if /i not "!CMDLINE:/c =!"=="!CMDLINE!" set "CLICKED=1"
endlocal & set "CLICKED=%CLICKED%"

where uv >nul 2>nul
if not errorlevel 1 goto run
if exist "%USERPROFILE%\.local\bin\uv.exe" set "PATH=%USERPROFILE%\.local\bin;%PATH%"
where uv >nul 2>nul
if not errorlevel 1 goto run
echo uv가 설치되어 있지 않습니다. 먼저 설치.bat 을 두 번 눌러 설치하세요.
set "RC=1"
goto end

:run
set "ARGS=%*"
if not defined ARGS set "ARGS=daily"
uv run run.py %ARGS%
set "RC=%ERRORLEVEL%"
echo.
if "%RC%"=="0" (echo 끝났습니다.) else (echo 끝났습니다 - 위의 '확인할 것'이나 '오류'를 확인하세요.)

:end
if "%CLICKED%"=="1" pause
exit /b %RC%
